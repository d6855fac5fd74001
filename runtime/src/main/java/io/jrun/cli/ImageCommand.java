package io.jrun.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrun.images.ImageDetails;
import io.jrun.images.Images;
import io.jrun.images.store.GarbageCollector;
import io.jrun.images.store.ImageRecord;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jrun image}: manage the images in the store. */
final class ImageCommand implements Runnable {
    private static final ObjectMapper JSON = io.jrun.images.oci.OciJson.mapper();

    private final JrunCommand root;
    final CommandSpec spec;

    ImageCommand(JrunCommand root) {
        this.root = root;
        spec = Specs.command(this, "image", "Manage images in the local store.");
        spec.addSubcommand("list", new CommandLine(new ListImages(this, "list").spec.aliases("ls")));
        spec.addSubcommand("inspect", new CommandLine(new Inspect(this).spec));
        spec.addSubcommand("rm", new CommandLine(new Remove(this, "rm").spec));
        spec.addSubcommand("gc", new CommandLine(new Gc(this).spec));
    }

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

    static final class ListImages implements Callable<Integer> {
        private final ImageCommand image;
        final CommandSpec spec;
        private String format = "table";
        private boolean quiet;

        /** As {@code image list}, or as podman's top-level {@code images}. */
        ListImages(ImageCommand image, String name) {
            this.image = image;
            spec = Specs.command(this, name, name.equals("list") ? "List the images in the store."
                    : "List the images in the store (podman's name for jrun image list).");
            spec.addOption(Specs.option(String.class, "table|json|TEMPLATE", v -> format = v, () -> format, "--format")
                    .defaultValue("table").description("Output format: table, json, or a template of the JSON's fields such as"
                            + " '{{.Name}} {{.Id}}' (default: ${DEFAULT-VALUE}).")
                    .build());
            spec.addOption(Specs.flag(v -> quiet = v, () -> quiet, "-q", "--quiet")
                    .description("Print only the image IDs (12 hex digits), each once.").build());
        }

        @Override
        public Integer call() throws Exception {
            Formats output = Formats.parse(format);
            List<ImageRecord> records = new ArrayList<>(image.images().list());
            records.sort(Comparator.comparing(ImageRecord::name));
            if (quiet) {
                records.stream().map(r -> r.id().shortHex()).distinct().forEach(System.out::println);
                return 0;
            }
            if (output.kind() == Formats.Kind.template) {
                StringBuilder lines = new StringBuilder();
                for (ImageRecord r : records) {
                    lines.append(output.render(toJson(r))).append('\n');
                }
                System.out.print(lines);
                return 0;
            }
            if (output.kind() == Formats.Kind.json) {
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

    static final class Inspect implements Callable<Integer> {
        private final ImageCommand image;
        final CommandSpec spec;
        private String nameOrId;

        Inspect(ImageCommand image) {
            this.image = image;
            spec = Specs.command(this, "inspect", "Show an image's record, manifest and config as JSON.");
            spec.addPositional(Specs.positional("0", "IMAGE", v -> nameOrId = v, () -> nameOrId)
                    .description("Name, ID, or unique ID prefix.").build());
        }

        @Override
        public Integer call() throws Exception {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString((JsonNode) json(image.images(), nameOrId)));
            return 0;
        }

        /** The image's record, manifest, config and layer directories, as image inspect prints them. */
        static ObjectNode json(Images images, String nameOrId) throws IOException {
            ImageDetails details = images.inspect(nameOrId);
            ObjectNode node = toJson(details.record());
            node.set("manifest", JSON.readTree(details.manifest()));
            node.set("config", JSON.readTree(details.config()));
            ArrayNode layers = node.putArray("layers");
            for (Path root : details.layerRoots()) {
                layers.add(root.toString());
            }
            return node;
        }
    }

    static final class Remove implements Callable<Integer> {
        private final ImageCommand image;
        final CommandSpec spec;
        private boolean force;
        private boolean all;
        private List<String> namesOrIds = new ArrayList<>();

        /** As {@code image rm}, or as podman's top-level {@code rmi}. */
        Remove(ImageCommand image, String name) {
            this.image = image;
            spec = Specs.command(this, name, "Remove images from the store, then the content only they used"
                    + (name.equals("rm") ? "." : " (podman's name for jrun image rm)."));
            spec.addOption(Specs.flag(v -> force = v, () -> force, "-f", "--force")
                    .description("Remove even images that pods still use.").build());
            spec.addOption(Specs.flag(v -> all = v, () -> all, "-a", "--all")
                    .description("Remove every image in the store.").build());
            spec.addPositional(Specs.positionals("0..*", false, "IMAGE", v -> namesOrIds = v, () -> namesOrIds)
                    .description("Names, IDs, or unique ID prefixes.").build());
        }

        @Override
        public Integer call() throws Exception {
            if (all == !namesOrIds.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), all
                        ? "-a removes every image: give no IMAGE with it" : "Missing required parameter: 'IMAGE' (or -a for all)");
            }
            Images images = image.images();
            for (ImageRecord r : all ? images.removeAll(force) : images.remove(namesOrIds, force)) {
                System.out.println("Removed " + r.name() + " (" + r.id().shortHex() + ")");
            }
            return 0;
        }
    }

    static final class Gc implements Callable<Integer> {
        private final ImageCommand image;
        final CommandSpec spec;

        Gc(ImageCommand image) {
            this.image = image;
            spec = Specs.command(this, "gc",
                    "Remove blobs and layers no image references, and leftovers of killed fetches.");
        }

        @Override
        public Integer call() throws Exception {
            GarbageCollector.Result r = image.images().gc();
            System.out.println("Removed " + r.blobs() + " blobs, " + r.layers() + " layers ("
                    + Sizes.human(r.bytes()) + "), " + r.workAreas() + " abandoned work areas");
            return 0;
        }
    }
}
