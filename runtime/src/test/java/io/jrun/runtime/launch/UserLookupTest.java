package io.jrun.runtime.launch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserLookupTest {
    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            app:x:1000:1000::/home/app:/bin/sh
            nohome:x:1001:1001::relative:/bin/sh
            """;
    private static final String GROUP = """
            root:x:0:
            app:x:1000:
            staff:x:50:app,other
            wheel:x:10:other
            """;

    private static UserLookup.Resolved resolve(String spec) throws LaunchException {
        return UserLookup.resolve(spec, PASSWD, GROUP);
    }

    @Test
    void emptyIsRootWithRootsHome() throws Exception {
        assertThat(resolve("")).isEqualTo(new UserLookup.Resolved(new User(0, 0, List.of(0L)), "/root"));
    }

    @Test
    void aNameGivesItsIdsGroupsAndHome() throws Exception {
        assertThat(resolve("app")).isEqualTo(new UserLookup.Resolved(new User(1000, 1000, List.of(1000L, 50L)), "/home/app"));
    }

    @Test
    void aNumberNeedNotExist() throws Exception {
        assertThat(resolve("1000")).isEqualTo(resolve("app"));
        assertThat(resolve("4242")).isEqualTo(new UserLookup.Resolved(new User(4242, 0, List.of(0L)), "/"));
    }

    @Test
    void aGroupReplacesThePrimaryGroup() throws Exception {
        assertThat(resolve("app:wheel").user()).isEqualTo(new User(1000, 10, List.of(10L, 50L)));
        assertThat(resolve("0:77").user()).isEqualTo(new User(0, 77, List.of(77L)));
    }

    @Test
    void aRelativeHomeBecomesRoot() throws Exception {
        assertThat(resolve("nohome").home()).isEqualTo("/");
    }

    @Test
    void unknownNamesAndBadIdsAreRefusedInOneLine() {
        assertThatThrownBy(() -> resolve("ghost")).hasMessageStartingWith("unable to find user ghost:");
        assertThatThrownBy(() -> resolve("app:ghosts")).hasMessageStartingWith("unable to find group ghosts:");
        assertThatThrownBy(() -> resolve("4294967295")).hasMessageContaining("ids go from 0 to 4294967294");
        assertThatThrownBy(() -> resolve("app:")).hasMessageStartingWith("invalid user 'app:'");
    }

    @Test
    void hostileFilesAreParsedSafely() throws Exception {
        String passwd = "evil\n::::::\nx:x:99999999999999999999:0::/:/bin/sh\n+nis:x:0:0::/:/bin/sh\n"
                + "app:x:1000:1000::/home/app:/bin/sh:extra:fields\nroot:x:0:0:root:/root\n";
        String group = "staff:x:50:app,app,app\nbig:x:-1:app\n";
        UserLookup.Resolved app = UserLookup.resolve("app", passwd, group);
        assertThat(app.user()).isEqualTo(new User(1000, 1000, List.of(1000L, 50L)));
        assertThatThrownBy(() -> UserLookup.resolve("x", passwd, group)).hasMessageStartingWith("unable to find user x:");
        assertThatThrownBy(() -> UserLookup.resolve("+nis", passwd, group)).hasMessageStartingWith("unable to find user +nis:");
        assertThat(UserLookup.resolve("", null, null)).isEqualTo(new UserLookup.Resolved(new User(0, 0, List.of(0L)), "/"));
    }
}
