package io.jrun.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Reports the version Maven stamped into the jar. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"jrun " + p.getProperty("version", "unknown")
                + " (Java " + Runtime.version() + ", " + System.getProperty("os.arch") + ")"};
    }
}
