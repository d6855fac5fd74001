package io.jrun.images.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {

    @Test
    void parsesDockerHubBearer() {
        List<AuthChallenge> all = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertThat(all).containsExactly(new AuthChallenge("bearer", Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull")));
        assertThat(all.getFirst().isBearer()).isTrue();
    }

    @Test
    void schemeAndParameterNamesAreCaseInsensitive() {
        AuthChallenge c = AuthChallenge.parse("BEARER Realm=\"https://r/t\", SERVICE=svc").getFirst();
        assertThat(c.isBearer()).isTrue();
        assertThat(c.parameter("realm")).hasValue("https://r/t");
        assertThat(c.parameter("Service")).hasValue("svc");
        assertThat(c.parameter("scope")).isEmpty();
    }

    @Test
    void parsesBasicAndUnquotedValues() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=Registry").getFirst();
        assertThat(c.isBasic()).isTrue();
        assertThat(c.parameter("realm")).hasValue("Registry");
    }

    @Test
    void quotedValuesKeepCommasSpacesAndEscapes() {
        AuthChallenge c = AuthChallenge.parse(
                "Bearer realm=\"https://r/t\", scope=\"repository:a/b:pull,push repository:c:pull\", error=\"say \\\"hi\\\"\"").getFirst();
        assertThat(c.parameter("scope")).hasValue("repository:a/b:pull,push repository:c:pull");
        assertThat(c.parameter("error")).hasValue("say \"hi\"");
    }

    @Test
    void parsesSeveralChallengesInOneHeader() {
        List<AuthChallenge> all = AuthChallenge.parse("Negotiate, Basic realm=\"x\", Bearer realm=\"https://a/t\",service=s");
        assertThat(all).extracting(AuthChallenge::scheme).containsExactly("negotiate", "basic", "bearer");
        assertThat(all.get(2).parameter("service")).hasValue("s");
    }

    @Test
    void toleratesExtraSeparatorsAndWhitespace() {
        AuthChallenge c = AuthChallenge.parse("  Bearer   realm = \"https://a/t\" ,, service=\"s\" ,").getFirst();
        assertThat(c.parameter("realm")).hasValue("https://a/t");
        assertThat(c.parameter("service")).hasValue("s");
    }

    @Test
    void preferredPicksBearerOverBasicAcrossHeaders() {
        assertThat(AuthChallenge.preferred(List.of("Basic realm=x", "Bearer realm=\"https://a/t\"")))
                .hasValueSatisfying(c -> assertThat(c.isBearer()).isTrue());
        assertThat(AuthChallenge.preferred(List.of("Negotiate", "Basic realm=x")))
                .hasValueSatisfying(c -> assertThat(c.isBasic()).isTrue());
        assertThat(AuthChallenge.preferred(List.of("Negotiate"))).isEmpty();
        assertThat(AuthChallenge.preferred(List.of())).isEmpty();
    }

    @Test
    void garbageYieldsNothingAndNeverLoops() {
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse("\"")).isEmpty();
        assertThat(AuthChallenge.parse("===")).isEmpty();
        assertThat(AuthChallenge.parse("Bearer realm=\"unterminated")).first()
                .satisfies(c -> assertThat(c.parameter("realm")).hasValue("unterminated"));
        assertThat(AuthChallenge.parse("Basic dXNlcjpwYXNz==")).first()
                .satisfies(c -> assertThat(c.isBasic()).isTrue());
    }
}
