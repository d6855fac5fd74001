package io.jrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.ImageDetails;
import io.jrun.images.Images;
import io.jrun.images.store.GarbageCollector;
import io.jrun.images.store.ImageRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun image}: manage the images in the store. */
@Command(name = "image", description = "Manage images in the local store.",
        mixinStandardHelpOptions = true,
        subcommands = {ImageCommand.ListImages.class, ImageCommand.Inspect.class, ImageCommand.Remove.class,
                ImageCommand.Gc.class})
final class ImageCommand implements Runnable {
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();

    @ParentCommand
    JrunCommand root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    Images images() throws IOException {
        return io.jrun.runtime.Pods.open(root.dir).images(); // spares the images pods use
    }

    static ObjectNode toJson(ImageRecord r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", r.name());
        node.put("id", r.id().toString());
        node.put("manifestDigest", r.manifestDigest().toString());
        if (r.indexDigest() != null) {
            node.put("indexDigest", r.indexDigest().toString());
        }
        node.put("platform", r.platform());
        node.put("size", r.size());
        node.put("fetched", r.fetched().toString());
        return node;
    }

    @Command(name = "list", aliases = "ls", description = "List the images in the store.", mixinStandardHelpOptions = true)
    static final class ListImages implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
                description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Format format;

        enum Format { table, json }

        @Override
        public Integer call() throws Exception {
            List<ImageRecord> records = new ArrayList<>(image.images().list());
            records.sort(Comparator.comparing(ImageRecord::name));
            if (format == Format.json) {
                ArrayNode array = JSON.createArrayNode();
                records.forEach(r -> array.add(toJson(r)));
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
                return 0;
            }
            Table table = new Table("NAME", "IMAGE ID", "PLATFORM", "SIZE", "FETCHED");
            Instant now = Instant.now();
            for (ImageRecord r : records) {
                table.row(r.name(), r.id().shortHex(), r.platform(), Sizes.human(r.size()), Times.ago(r.fetched(), now));
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show an image's record, manifest and config as JSON.",
            mixinStandardHelpOptions = true)
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Parameters(paramLabel = "IMAGE", description = "Name, ID, or unique ID prefix.")
        String nameOrId;

        @Override
        public Integer call() throws Exception {
            ImageDetails details = image.images().inspect(nameOrId);
            ObjectNode node = toJson(details.record());
            node.set("manifest", JSON.readTree(details.manifest()));
            node.set("config", JSON.readTree(details.config()));
            ArrayNode layers = node.putArray("layers");
            for (Path root : details.layerRoots()) {
                layers.add(root.toString());
            }
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString((JsonNode) node));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove images from the store, then the content only they used.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Option(names = {"-f", "--force"}, description = "Remove even images that pods still use.")
        boolean force;

        @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Names, IDs, or unique ID prefixes.")
        List<String> namesOrIds;

        @Override
        public Integer call() throws Exception {
            for (ImageRecord r : image.images().remove(namesOrIds, force)) {
                System.out.println("Removed " + r.name() + " (" + r.id().shortHex() + ")");
            }
            return 0;
        }
    }

    @Command(name = "gc", description = "Remove blobs and layers no image references, and leftovers of killed fetches.",
            mixinStandardHelpOptions = true)
    static final class Gc implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Override
        public Integer call() throws Exception {
            GarbageCollector.Result r = image.images().gc();
            System.out.println("Removed " + r.blobs() + " blobs, " + r.layers() + " layers ("
                    + Sizes.human(r.bytes()) + "), " + r.workAreas() + " abandoned work areas");
            return 0;
        }
    }
}
