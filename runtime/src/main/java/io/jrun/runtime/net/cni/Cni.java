package io.jrun.runtime.net.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Attaches a network namespace to a network and detaches it, as libcni does for a network
 * configuration list: ADD runs the plugins in order, each given the previous one's result as
 * {@code prevResult}, and the last result is cached; DEL runs them in reverse order with the
 * cached result; CHECK in order with it. A failed ADD is undone (DEL of the whole list) before
 * its error is thrown, so nothing is left behind.
 */
public final class Cni {
    private final Path pluginDir;
    private final CniCache cache;

    public Cni(Path pluginDir, CniCache cache) {
        this.pluginDir = pluginDir;
        this.cache = cache;
    }

    public CniCache cache() {
        return cache;
    }

    /**
     * One namespace's attachment to a network.
     *
     * @param containerId    CNI_CONTAINERID: the pod's UUID
     * @param netns          CNI_NETNS: the namespace's path (an nsfs bind mount)
     * @param ifName         CNI_IFNAME: the interface inside, eth0
     * @param capabilityArgs runtime arguments the plugins that declare them get as runtimeConfig
     *                       ({@code portMappings}, {@code ips})
     */
    public record Attachment(String containerId, String netns, String ifName, ObjectNode capabilityArgs) {
    }

    /** ADD: attaches and caches the result; on failure undoes what was added and throws one line. */
    public CniResult add(NetworkConfigList list, Attachment a) throws CniException {
        ObjectNode previous = null;
        try {
            for (ObjectNode plugin : list.plugins()) {
                previous = PluginExec.run(list.name(), pluginConfig(list, plugin, previous, a.capabilityArgs()),
                        call("ADD", a));
            }
            if (previous == null) {
                throw new CniException("network " + list.name() + ": its plugins returned no result");
            }
            cache.write(new CniCache.Entry(list.name(), a.containerId(), a.ifName(), list.bytes(), a.capabilityArgs(),
                    previous, CniCache.ownNetns()));
            return CniResult.parse(previous);
        } catch (CniException e) {
            undo(list, a, previous);
            throw e;
        } catch (IOException e) {
            undo(list, a, previous);
            throw new CniException("network " + list.name() + ": cannot write the CNI result cache: " + e.getMessage(), e);
        }
    }

    private void undo(NetworkConfigList list, Attachment a, ObjectNode previous) {
        try {
            delete(list, a, previous);
        } catch (CniException e) {
            // the ADD's own error is the one to report; DEL of what never was may fail too
        }
        try {
            cache.delete(list.name(), a.containerId(), a.ifName());
        } catch (IOException e) {
            // nothing was cached
        }
    }

    /**
     * DEL: detaches, in reverse order, with the cached result as {@code prevResult} (and the
     * cached configuration when {@code list} is null), then drops the cache entry. Every plugin
     * runs even when one fails; the first failure is thrown after. {@code network} names the
     * list when {@code list} is null.
     */
    public void del(String network, NetworkConfigList list, Attachment a) throws IOException {
        java.util.Optional<CniCache.Entry> cached = cache.read(network, a.containerId(), a.ifName());
        NetworkConfigList used = list;
        ObjectNode capabilityArgs = a.capabilityArgs();
        if (cached.isPresent()) {
            used = NetworkConfigList.parse(cached.get().config(), Path.of("the CNI cache of " + network));
            capabilityArgs = cached.get().capabilityArgs();
        }
        if (used == null) {
            return; // never attached, and nothing says how it would have been
        }
        delete(used, new Attachment(a.containerId(), a.netns(), a.ifName(), capabilityArgs),
                cached.map(CniCache.Entry::result).orElse(null));
        cache.delete(network, a.containerId(), a.ifName());
    }

    private void delete(NetworkConfigList list, Attachment a, ObjectNode result) throws CniException {
        CniException first = null;
        for (ObjectNode plugin : list.plugins().reversed()) {
            try {
                PluginExec.run(list.name(), pluginConfig(list, plugin, result, a.capabilityArgs()), call("DEL", a));
            } catch (CniException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** CHECK: asks each plugin, in order, whether the attachment is still as ADD made it; throws one line if not. */
    public void check(String network, Attachment a) throws IOException {
        CniCache.Entry cached = cache.read(network, a.containerId(), a.ifName()).orElseThrow(() -> new CniException(
                "network " + network + ": no cached CNI result for " + a.containerId()
                        + " in the CNI cache: the pod is not attached (or its cache was removed)"));
        NetworkConfigList list = NetworkConfigList.parse(cached.config(), Path.of("the CNI cache of " + network));
        for (ObjectNode plugin : list.plugins()) {
            PluginExec.run(list.name(), pluginConfig(list, plugin, cached.result(), cached.capabilityArgs()),
                    call("CHECK", a));
        }
    }

    private PluginExec.Call call(String command, Attachment a) {
        return new PluginExec.Call(command, a.containerId(), a.netns(), a.ifName(), "", pluginDir);
    }

    /**
     * A plugin's configuration as the spec builds it from the list: the list's name and
     * cniVersion, the previous result, and runtimeConfig with each capability the plugin
     * declares ({@code "capabilities": {"portMappings": true}}) that the runtime has arguments for.
     */
    static ObjectNode pluginConfig(NetworkConfigList list, ObjectNode plugin, ObjectNode previous, ObjectNode capabilityArgs) {
        ObjectNode config = plugin.deepCopy();
        config.put("name", list.name());
        config.put("cniVersion", list.cniVersion());
        config.remove("runtimeConfig");
        if (previous != null) {
            config.set("prevResult", previous);
        } else {
            config.remove("prevResult");
        }
        JsonNode capabilities = plugin.path("capabilities");
        ObjectNode runtime = null;
        List<String> names = new ArrayList<>();
        capabilities.fieldNames().forEachRemaining(names::add);
        for (String capability : names) {
            if (capabilities.get(capability).asBoolean(false) && capabilityArgs != null && capabilityArgs.has(capability)) {
                runtime = runtime == null ? config.objectNode() : runtime;
                runtime.set(capability, capabilityArgs.get(capability));
            }
        }
        if (runtime != null) {
            config.set("runtimeConfig", runtime);
        }
        return config;
    }
}
