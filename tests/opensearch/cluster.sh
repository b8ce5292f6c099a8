#!/usr/bin/env bash
# A real OpenSearch cluster on loopback for the tests, one JVM per node, built by Maven from
# OpenSearch's published server artifacts (see launcher/pom.xml). Nothing else is downloaded.
#
#   cluster.sh start [N]     build the launcher if needed, start N nodes (default 3), wait for
#                            green; the LAST line of stdout is the base URL (http://127.0.0.1:PORT)
#   cluster.sh kill-node K   SIGKILL node K (1..N): the node-loss tests
#   cluster.sh start-node K  start node K again, on its old data and ports
#   cluster.sh stop          stop every node (SIGTERM, then SIGKILL) and delete the state
#   cluster.sh url           print the base URL of the running cluster
#   cluster.sh tls-url       print nginx's https URL (CLUSTER_TLS=1)
#
# Environment:
#   CLUSTER_DIR             state: pids, data, logs (default ${TMPDIR:-/tmp}/archive-search-opensearch-UID)
#   CLUSTER_HTTP_PORT       first node's HTTP port; node K gets +K-1 (default: the first free of 9200, 9210, ...)
#   CLUSTER_TRANSPORT_PORT  first node's transport port (default: HTTP port + 100)
#   CLUSTER_HEAP            heap per node (default 512m)
#   CLUSTER_JAVA_OPTS       more JVM options for every node. The nodes run on the C1 compiler
#                           only, which more than halves their start on 2 busy cores; for
#                           benchmarks give -XX:TieredStopAtLevel=4 (full JIT) here
#   CLUSTER_TIMEOUT         seconds to wait for green (default 300)
#   CLUSTER_BUILD_CACHE     where the launcher's builds are kept, one per hash of its sources
#                           (default ~/.cache/archive-search/opensearch-launcher)
#   JAVA_HOME               the JDK to run (default: java on PATH; OpenSearch 2.19 needs 11+)
#   CLUSTER_TLS=1           also start nginx (Debian's package) on loopback in front of the
#                           nodes: TLS with a CA made by openssl at start, and basic auth. Its
#                           URL is printed on the line before the base URL; the CA, user and
#                           password are in $CLUSTER_DIR/tls/{ca.pem,user,password}
#   CLUSTER_TLS_PORT        nginx's port (default: HTTP port + 43)
# Chatter goes to stderr; stdout carries only the URL, so `url=$(cluster.sh start 3 | tail -n1)`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
launcher="$here/launcher"
state="${CLUSTER_DIR:-${TMPDIR:-/tmp}/archive-search-opensearch-$(id -u)}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# True when something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

node_pid() { cat "$state/node-$1/pid" 2>/dev/null || true; }

node_count() { cat "$state/nodes" 2>/dev/null || echo 0; }

http_get() { curl -fsS --max-time "${2:-10}" "$(cat "$state/url")$1"; }

# Where the launcher's build for these sources lives: a cache folder named by their hash, so
# a fresh clone on a machine that built it before starts without running Maven.
build_dir() {
    local hash
    hash="$(cd "$launcher" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum \
        | sha256sum | cut -c1-16)"
    echo "${CLUSTER_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/archive-search/opensearch-launcher}/$hash"
}

# True when $1 holds a complete build whose jars are all still in the Maven cache.
build_ok() {
    local jar
    [[ -d "$1/classes" && -s "$1/classpath.txt" ]] || return 1
    while IFS= read -r -d : jar; do [[ -f "$jar" ]] || return 1; done < <(tr -d "\n" <"$1/classpath.txt"; echo :)
}

# Compile the launcher and write its runtime classpath, unless that build is there already.
build_launcher() {
    local build tmp log="$state/mvn.log"
    build="$(build_dir)"
    if ! build_ok "$build"; then
        command -v mvn >/dev/null || die "mvn not found: Maven builds the OpenSearch launcher"
        say "building the launcher with Maven (the first run downloads OpenSearch's jars)"
        mkdir -p "$(dirname "$build")"
        tmp="$(mktemp -d "$build.tmp.XXXXXX")"
        if ! mvn -B -q -f "$launcher/pom.xml" -Dlauncher.build.directory="$tmp" package \
            -DskipTests >"$log" 2>&1; then
            tail -n 40 "$log" >&2
            rm -rf "$tmp"
            die "mvn package failed (log: $log)"
        fi
        # another start may have finished the same build meanwhile; either copy will do
        rm -rf "$build"
        mv -T "$tmp" "$build" 2>/dev/null || rm -rf "$tmp"
        build_ok "$build" || die "the launcher's build in $build is incomplete"
    fi
    echo "$build" >"$state/build"
}

choose_ports() {
    local n=$1 http="${CLUSTER_HTTP_PORT:-}" transport k
    if [[ -z "$http" ]]; then
        for ((base = 9200; base < 9300; base += 10)); do
            local free=1
            for ((k = 0; k < n; k++)); do
                if port_busy $((base + k)) || port_busy $((base + 100 + k)); then free=0; break; fi
            done
            if [[ "${CLUSTER_TLS:-0}" == 1 ]] && port_busy $((base + 43)); then free=0; fi
            if ((free)); then http=$base; break; fi
        done
        [[ -n "$http" ]] || die "no free ports in 9200-9399; set CLUSTER_HTTP_PORT"
    fi
    transport="${CLUSTER_TRANSPORT_PORT:-$((http + 100))}"
    for ((k = 0; k < n; k++)); do
        port_busy $((http + k)) && die "port $((http + k)) is in use"
        port_busy $((transport + k)) && die "port $((transport + k)) is in use"
    done
    echo "$http $transport"
}

# Write node K's settings, one key=value a line, kept for start-node.
write_node_settings() {
    local k=$1 n=$2 http=$3 transport=$4 name=$5 dir="$state/node-$1" seeds="" managers="" j
    for ((j = 0; j < n; j++)); do
        seeds+="${seeds:+,}127.0.0.1:$((transport + j))"
        managers+="${managers:+,}node-$((j + 1))"
    done
    mkdir -p "$dir/home/config" "$dir/data" "$dir/logs" "$dir/tmp"
    {
        echo "cluster.name=$name"
        echo "node.name=node-$k"
        echo "path.home=$dir/home"
        echo "path.data=$dir/data"
        echo "path.logs=$dir/logs"
        echo "network.host=127.0.0.1"
        echo "http.port=$((http + k - 1))"
        echo "transport.port=$((transport + k - 1))"
        if ((n == 1)); then
            echo "discovery.type=single-node"
        else
            echo "discovery.seed_hosts=$seeds"
            echo "cluster.initial_cluster_manager_nodes=$managers"
        fi
        # a nearly full test disk must not leave shards unassigned
        echo "cluster.routing.allocation.disk.threshold_enabled=false"
        echo "action.destructive_requires_name=false"
    } >"$dir/settings"
}

launch_node() {
    local k=$1 dir="$state/node-$1" build
    local -a settings opts
    mapfile -t settings <"$dir/settings"
    # shellcheck disable=SC2206  # CLUSTER_JAVA_OPTS is a list of words on purpose
    opts=(-Xms"${CLUSTER_HEAP:-512m}" -Xmx"${CLUSTER_HEAP:-512m}" -XX:+UseSerialGC
        -XX:TieredStopAtLevel=1 -Xss1m
        -Dfile.encoding=UTF-8 -Djava.locale.providers=SPI,COMPAT -Djava.io.tmpdir="$dir/tmp"
        -Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false
        ${CLUSTER_JAVA_OPTS:-})
    build="$(cat "$state/build")"
    nohup "$java" "${opts[@]}" -cp "$build/classes:$(cat "$build/classpath.txt")" \
        org.archivesearch.testcluster.TestNode "${settings[@]}" \
        >>"$dir/node.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
}

# Wait until the cluster is green with $1 nodes; fail early when a node process has died.
wait_green() {
    local want=$1 deadline=$((SECONDS + ${CLUSTER_TIMEOUT:-300})) health k
    while ((SECONDS < deadline)); do
        for ((k = 1; k <= $(node_count); k++)); do
            if [[ -f "$state/node-$k/pid" ]] && ! alive "$(node_pid "$k")"; then
                tail -n 30 "$state/node-$k/node.log" >&2 || true
                die "node $k exited while starting (log: $state/node-$k/node.log)"
            fi
        done
        health="$(http_get "/_cluster/health?wait_for_status=green&wait_for_nodes=$want&timeout=2s" 5 2>/dev/null)" || health=""
        if [[ "$health" == *'"status":"green"'* && "$health" == *"\"number_of_nodes\":$want,"* ]]; then
            return 0
        fi
        sleep 1
    done
    say "last health: ${health:-no answer}"
    for ((k = 1; k <= $(node_count); k++)); do
        say "node $k, last lines of its log:"
        tail -n 10 "$state/node-$k/node.log" >&2 || true
    done
    die "the cluster was not green with $want nodes after ${CLUSTER_TIMEOUT:-300}s (logs: $state/node-*/node.log)"
}

# Refuse to touch a CLUSTER_DIR that holds anything but a test cluster's state.
ours_or_empty() {
    [[ -f "$state/.archive-search-test-cluster" || -z "$(ls -A "$state")" ]] \
        || die "$state is not a test cluster's state directory; not touching it"
}

# A CA and a server certificate for 127.0.0.1/localhost signed by it, valid for two days.
make_certificates() {
    local tls="$state/tls" ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    mkdir -p "$tls"
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=archive-search test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req "${ec[@]}" -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
        "authorityKeyIdentifier=keyid,issuer" "subjectKeyIdentifier=hash" >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
    echo "archive" >"$tls/user"
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$tls/password"
    printf '%s:%s\n' "$(cat "$tls/user")" "$(openssl passwd -apr1 "$(cat "$tls/password")")" \
        >"$tls/htpasswd"
}

# nginx.conf for a TLS proxy with basic auth on 127.0.0.1:$1 in front of HTTP ports $2..$2+$3-1.
nginx_conf() {
    local port=$1 http=$2 n=$3 dir="$state/nginx" k
    [[ $(id -u) == 0 ]] && echo "user root;"
    echo "worker_processes 1;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log warn;"
    echo "events { worker_connections 256; }"
    echo "http {"
    echo "    access_log $dir/access.log;"
    for k in client_body proxy fastcgi uwsgi scgi; do echo "    ${k}_temp_path $dir/tmp/$k;"; done
    echo "    upstream opensearch {"
    for ((k = 0; k < n; k++)); do echo "        server 127.0.0.1:$((http + k));"; done
    echo "        keepalive 16;"
    echo "    }"
    echo "    server {"
    echo "        listen 127.0.0.1:$port ssl;"
    echo "        ssl_certificate $state/tls/server.pem;"
    echo "        ssl_certificate_key $state/tls/server.key;"
    echo "        auth_basic \"archive-search test cluster\";"
    echo "        auth_basic_user_file $state/tls/htpasswd;"
    echo "        client_max_body_size 200m;"
    echo "        location / {"
    echo "            proxy_pass http://opensearch;"
    echo "            proxy_http_version 1.1;"
    echo "            proxy_set_header Connection \"\";"
    echo "            proxy_set_header Authorization \"\";"
    echo "            proxy_next_upstream error timeout;"
    echo "            proxy_read_timeout 300s;"
    echo "        }"
    echo "    }"
    echo "}"
}

start_nginx() {
    local port=$1 http=$2 n=$3 dir="$state/nginx" deadline
    local nginx
    nginx="$(command -v nginx || command -v /usr/sbin/nginx)" \
        || die "CLUSTER_TLS=1 needs nginx (apt-get install -y nginx)"
    command -v openssl >/dev/null || die "CLUSTER_TLS=1 needs openssl"
    make_certificates
    mkdir -p "$dir/tmp"
    nginx_conf "$port" "$http" "$n" >"$dir/nginx.conf"
    if ! "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"; then
        cat "$dir/error.log" >&2 || true
        die "nginx did not start (log: $dir/error.log)"
    fi
    echo "https://127.0.0.1:$port" >"$state/tls_url"
    deadline=$((SECONDS + 30))
    until curl -fsS --max-time 5 --cacert "$state/tls/ca.pem" \
        -u "$(cat "$state/tls/user"):$(cat "$state/tls/password")" \
        "https://127.0.0.1:$port/_cluster/health" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "nginx does not answer on https://127.0.0.1:$port ($dir/error.log)"
        sleep 0.2
    done
}

stop_nginx() {
    local pid
    pid="$(cat "$state/nginx/nginx.pid" 2>/dev/null || true)"
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
}

running_pids() {
    local k pid
    for ((k = 1; k <= $(node_count); k++)); do
        pid="$(node_pid "$k")"
        if alive "$pid"; then echo "$pid"; fi
    done
}

cmd_start() {
    local n="${1:-3}" ports http transport name k t0=$SECONDS
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "start N: N must be a positive number, got '$n'"
    command -v "$java" >/dev/null || die "java not found: OpenSearch needs a JDK (JAVA_HOME or java on PATH)"
    command -v curl >/dev/null || die "curl not found"
    if [[ -d "$state" ]]; then
        ours_or_empty
        [[ -z "$(running_pids)" ]] || die "a cluster already runs in $state; cluster.sh stop first"
        rm -rf "$state"
    fi
    mkdir -p "$state"
    touch "$state/.archive-search-test-cluster"
    build_launcher
    ports="$(choose_ports "$n")" || exit 1
    read -r http transport <<<"$ports"
    # a name of its own, so a node of another test cluster on this machine never joins this one
    name="archive-search-test-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
    echo "$n" >"$state/nodes"
    echo "http://127.0.0.1:$http" >"$state/url"
    for ((k = 1; k <= n; k++)); do
        write_node_settings "$k" "$n" "$http" "$transport" "$name"
        launch_node "$k"
    done
    say "starting $n node(s): HTTP $http-$((http + n - 1)), transport $transport-$((transport + n - 1)), state $state"
    if ! (wait_green "$n"); then
        cmd_stop keep-state
        exit 1
    fi
    say "green with $n node(s) after $((SECONDS - t0))s"
    if [[ "${CLUSTER_TLS:-0}" == 1 ]]; then
        if ! (start_nginx "${CLUSTER_TLS_PORT:-$((http + 43))}" "$http" "$n"); then
            cmd_stop keep-state
            exit 1
        fi
        say "nginx: $(cat "$state/tls_url") (TLS, basic auth; CA, user, password in $state/tls)"
        cat "$state/tls_url"
    fi
    cat "$state/url"
}

cmd_kill_node() {
    local k="${1:?kill-node K}" pid
    pid="$(node_pid "$k")"
    alive "$pid" || die "node $k is not running"
    kill -KILL "$pid"
    while alive "$pid"; do sleep 0.1; done
    say "node $k (pid $pid) killed"
}

cmd_start_node() {
    local k="${1:?start-node K}"
    [[ -f "$state/node-$k/settings" ]] || die "no node $k in $state"
    alive "$(node_pid "$k")" && die "node $k is already running"
    launch_node "$k"
    wait_green "$(node_count)"
    say "node $k is back; green with $(node_count) node(s)"
}

cmd_stop() {
    local pids pid waited=0
    [[ -d "$state" ]] || return 0
    ours_or_empty
    stop_nginx
    pids="$(running_pids)"
    if [[ -n "$pids" ]]; then
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        while ((waited < 300)); do
            pids="$(running_pids)"
            [[ -z "$pids" ]] && break
            sleep 0.1
            waited=$((waited + 1))
        done
        if [[ -n "$pids" ]]; then
            # shellcheck disable=SC2086
            kill -KILL $pids 2>/dev/null || true
        fi
        for pid in $pids; do while alive "$pid"; do sleep 0.1; done; done
    fi
    if [[ "${1:-}" == keep-state ]]; then
        say "stopped; logs kept in $state"
    else
        rm -rf "$state"
    fi
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    kill-node) shift; cmd_kill_node "$@" ;;
    start-node) shift; cmd_start_node "$@" ;;
    stop) cmd_stop ;;
    url) [[ -f "$state/url" ]] || die "no cluster in $state"; cat "$state/url" ;;
    tls-url) [[ -f "$state/tls_url" ]] || die "no nginx in $state (CLUSTER_TLS=1)"; cat "$state/tls_url" ;;
    *) die "usage: cluster.sh start [N] | kill-node K | start-node K | stop | url | tls-url" ;;
esac
