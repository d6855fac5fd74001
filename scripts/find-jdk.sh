# find-jdk.sh: sourced by ./jrun, scripts/mvn and the installed launcher.
# Sets JRUN_JAVA_HOME to a JDK >= 22 (the FFM API is final from 22): $JAVA_HOME first,
# then the newest under /usr/lib/jvm. Prints one clear line and returns 1 when there is none.
# Every jrun command starts here, so the common path uses bash builtins only: a fork and
# exec of sed per JDK cost about 10 ms of each command.
jrun_feature_of() {  # JAVA_HOME -> sets JRUN_FEATURE to its feature version (17, 25, ...); 1 if none
  local line
  JRUN_FEATURE=
  [ -x "$1/bin/java" ] || return 1
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=\"[0-9]*)
          line=${line#JAVA_VERSION=\"}
          JRUN_FEATURE=${line%%[!0-9]*}
          break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$JRUN_FEATURE" ]; then  # no release file: ask the JVM (slow, but rare)
    JRUN_FEATURE=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  [ -n "$JRUN_FEATURE" ]
}

jrun_java_feature() {  # JAVA_HOME -> feature version (17, 25, ...) on stdout, or nothing
  jrun_feature_of "$1" && echo "$JRUN_FEATURE"
}

jrun_find_jdk() {
  local candidate v best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ] && jrun_feature_of "$JAVA_HOME" && [ "$JRUN_FEATURE" -ge 22 ]; then
    JRUN_JAVA_HOME=$JAVA_HOME; jrun_set_jvm_opts; return 0
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    jrun_feature_of "$candidate" || continue
    v=$JRUN_FEATURE
    if [ "$v" -ge 22 ] && [ "$v" -gt "$best_v" ]; then best=$candidate; best_v=$v; fi
  done
  if [ -n "$best" ]; then JRUN_JAVA_HOME=$best; jrun_set_jvm_opts; return 0; fi
  echo "jrun: no JDK >= 22 found (checked \$JAVA_HOME and /usr/lib/jvm/*): install one, e.g. a JDK 25, or set JAVA_HOME to it" >&2
  return 1
}

# The JVM flags jrun runs with, in JRUN_JVM_OPTS (set by jrun_find_jdk). The AOT cache is
# trained with the same ones (a cache made under other heap settings loses its archived heap).
# Small heap and the serial collector: jrun is a short-lived CLI and a supervisor, not a server.
jrun_set_jvm_opts() {
  JRUN_JVM_OPTS=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx256m -XX:-UsePerfData)
  # aircompressor's pure-Java zstd reads memory through sun.misc.Unsafe, which JDK 24+ warns
  # about on stderr at first use; the flag that allows it quietly exists from JDK 23 on.
  if jrun_feature_of "$JRUN_JAVA_HOME" && [ "$JRUN_FEATURE" -ge 23 ]; then
    JRUN_JVM_OPTS+=(--sun-misc-unsafe-memory-access=allow)
  fi
}
