package io.jrun.linux;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Fails a test that leaves the host's mount table other than it found it. */
final class HostMountsUnchanged implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HostMountsUnchanged.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        context.getStore(NAMESPACE).put("mounts", Throwaway.mountinfo());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        assertThat(Throwaway.mountinfo()).as("the host's mount table after the test")
                .isEqualTo(context.getStore(NAMESPACE).get("mounts", String.class));
    }
}
