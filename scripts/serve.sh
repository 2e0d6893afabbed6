#!/usr/bin/env bash
# The classroom command: N Knobs servers (Streamlit replicas) behind nginx on one port.
#
#   bash scripts/serve.sh --replicas 2 --port 8080
#
# Options:
#   --replicas N       Streamlit processes to start, on 127.0.0.1 (default 2)
#   --port P           the port learners open, served by nginx (default 8080)
#   --address A        the address nginx listens on (default 0.0.0.0: every interface)
#   --runtime-dir DIR  where the generated nginx.conf, pid files and logs go
#                      (default: a new /tmp/knobs-serve.XXXXXX, removed on exit)
#
# Replicas listen on 127.0.0.1, ports P+1..P+N (free ports instead where those are taken).
# nginx (Debian's package, installed when missing) routes each browser to one replica and keeps
# it there with a cookie, knobs_replica (not by IP address: a classroom behind NAT shares one),
# so a session's websockets (Streamlit's /_stcore/stream and the knobs' moves route,
# /knobs/moves: asgi.py) and its reconnects reach the replica that holds the session. A
# supervisor loop polls every replica's /_stcore/health each second and restarts one that died
# or stopped answering. Ctrl-C or SIGTERM stops nginx and every replica with its workers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

replicas=2
port=8080
address=0.0.0.0
runtime=""
usage() { sed -n '2,19p' "$0"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --replicas) replicas=${2:?--replicas needs a number}; shift 2 ;;
        --port) port=${2:?--port needs a number}; shift 2 ;;
        --address) address=${2:?--address needs an address}; shift 2 ;;
        --runtime-dir) runtime=${2:?--runtime-dir needs a directory}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "serve.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
if ! [[ "$replicas" =~ ^[1-9][0-9]*$ && "$port" =~ ^[1-9][0-9]*$ && "$port" -le 65535 ]]; then
    echo "serve.sh: --replicas must be a positive number and --port a port number" >&2
    exit 2
fi

log() { echo "serve.sh: $*" >&2; }

bash scripts/setup.sh --nginx  # the venv, and Debian's nginx when it is missing
python=.venv/bin/python
nginx=/usr/sbin/nginx

# --- runtime directory: config, pids, logs, nginx's temp files (never /etc) ------------------
own_runtime=0
if [[ -z "$runtime" ]]; then
    runtime=$(mktemp -d /tmp/knobs-serve.XXXXXX)
    own_runtime=1
fi
mkdir -p "$runtime"
runtime=$(cd "$runtime" && pwd)
chmod 755 "$runtime" # nginx's workers (user nobody when we are root) use its temp dirs

# --- ports ---------------------------------------------------------------------------------
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_taken "$port"; then
    log "port $port is already in use"
    exit 1
fi
declare -a ports pids
for ((i = 1; i <= replicas; i++)); do
    candidate=$((port + i))
    if ((candidate > 65535)) || port_taken "$candidate"; then
        candidate=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fi
    ports[i]=$candidate
done

# --- replicas ------------------------------------------------------------------------------
# One secret for all replicas: cookies one signs (XSRF) stay valid on another after a failover.
cookie_secret=$("$python" -c 'import secrets; print(secrets.token_hex(32))')

start_replica() {
    local i=$1
    # setsid: its own session and process group, so the replica, its fork server and its
    # symbolic workers are ended together (kill -- -pid), also after the replica itself died.
    # asgi.py: app.py and the moves route beside Streamlit's own (run by uvicorn).
    STREAMLIT_SERVER_COOKIE_SECRET=$cookie_secret setsid "$python" -m streamlit run asgi.py \
        --server.address 127.0.0.1 \
        --server.port "${ports[i]}" \
        </dev/null >>"$runtime/replica-$i.log" 2>&1 &
    pids[i]=$!
    echo "${pids[i]}" >"$runtime/replica-$i.pid"
    started[i]=$SECONDS
    failures[i]=0
    answered[i]=0
}

stop_group() { # stop_group PID: TERM its process group, KILL what is left after 10 s
    local pid=$1 waited=0
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    while kill -0 -- "-$pid" 2>/dev/null && ((waited < 100)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

# /_stcore/health answers "ok" (pure bash: no process per check; 2 s to answer).
healthy() {
    local answer
    answer=$(
        exec 2>/dev/null
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
        timeout 2 cat <&3
    ) || return 1
    [[ "$answer" == "HTTP/1.1 200"* && "$answer" == *ok ]]
}

# --- nginx configuration ---------------------------------------------------------------------
write_nginx_conf() {
    local i servers="" names="" answered="" set_cookie="" pinned=""
    for ((i = 1; i <= replicas; i++)); do
        servers+="        server 127.0.0.1:${ports[i]} max_fails=1 fail_timeout=5s;"$'\n'
        answered+="        \"~127\\.0\\.0\\.1:${ports[i]}\$\" r$i;"$'\n'
        set_cookie+="        \"r$i:r$i\" \"\";"$'\n'
        set_cookie+="        \"~^r$i:\" \"knobs_replica=r$i; Path=/; HttpOnly; SameSite=Lax\";"$'\n'
        pinned+="        r$i knobs_r$i;"$'\n'
        # Each replica's own group: itself, and the others as backups while it is down.
        names+="    upstream knobs_r$i {"$'\n'
        names+="        server 127.0.0.1:${ports[i]} max_fails=1 fail_timeout=5s;"$'\n'
        local j
        for ((j = 1; j <= replicas; j++)); do
            ((j == i)) || names+="        server 127.0.0.1:${ports[j]} backup;"$'\n'
        done
        names+="        keepalive 8;"$'\n'"    }"$'\n'
    done
    # A websocket's location: upgrade, no buffering, and a learner may sit still for a lecture.
    # Both websockets check that the page is of the same origin: pass the Host it was opened on.
    # (proxy_set_header is not inherited into a block that sets its own.)
    local websocket='            proxy_pass http://$knobs_upstream;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_buffering off;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
'
    cat >"$runtime/nginx.conf" <<EOF
# Generated by scripts/serve.sh: Knobs replicas ${ports[*]} behind $address:$port.
daemon off;
worker_processes 1;
pid $runtime/nginx.pid;
error_log $runtime/nginx-error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path $runtime/temp/client;
    proxy_temp_path $runtime/temp/proxy;
    fastcgi_temp_path $runtime/temp/fastcgi;
    uwsgi_temp_path $runtime/temp/uwsgi;
    scgi_temp_path $runtime/temp/scgi;
    proxy_max_temp_file_size 0;  # large answers (the app's JavaScript) stream, never to disk

    # Sticky sessions by cookie, not ip_hash: a classroom behind NAT shares one address.
    # A browser without the cookie goes to the least busy replica; every answer from a replica
    # other than the one the cookie names (or with no cookie) sets the cookie to the replica
    # that answered, so the websocket and its reconnects land where the session lives, and a
    # browser whose replica died moves, once, to the one that took over.
    map \$cookie_knobs_replica \$knobs_upstream {
        default knobs_any;
$pinned    }
    map \$upstream_addr \$knobs_answered {
        default "";
$answered    }
    map "\$knobs_answered:\$cookie_knobs_replica" \$knobs_set_cookie {
        default "";
$set_cookie    }

    upstream knobs_any {
        least_conn;
$servers        keepalive 16;
    }
$names
    server {
        listen $address:$port;
        server_tokens off;

        proxy_http_version 1.1;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;
        # always: also on the websocket's 101 answer (add_header skips 1xx and errors), which
        # may come from a backup, e.g. while the cookie's replica is still marked failed in its
        # own upstream block after a restart: the cookie then follows the session.
        add_header Set-Cookie \$knobs_set_cookie always;
        add_header X-Knobs-Replica \$knobs_answered always;

        # The websockets: Streamlit's, and the moves route's (its token lives in the memory of
        # the replica that ran the page: the same sticky choice as the session's websocket).
        location = /_stcore/stream {
$websocket        }
        location = /knobs/moves {
$websocket        }

        location / {
            proxy_pass http://\$knobs_upstream;
            # Streamlit's websocket accepts a page of the same origin: pass the Host it was
            # opened on. (proxy_set_header is not inherited into a block that sets its own.)
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Connection "";
        }
    }
}
EOF
}

# --- start, supervise, stop ----------------------------------------------------------------
nginx_pid=""
declare -a started failures answered
cleanup() {
    trap - INT TERM EXIT
    log "stopping nginx and ${replicas} replica(s)"
    [[ -n "$nginx_pid" ]] && stop_group "$nginx_pid"
    local i
    for ((i = 1; i <= replicas; i++)); do
        [[ -n "${pids[i]:-}" ]] && stop_group "${pids[i]}"
    done
    if ((own_runtime)); then
        rm -rf "$runtime"
    fi
    log "stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM # EXIT runs cleanup

write_nginx_conf
mkdir -p "$runtime/temp"
if ! "$nginx" -t -q -p "$runtime" -e "$runtime/nginx-error.log" -c "$runtime/nginx.conf"; then
    log "nginx refused the generated configuration $runtime/nginx.conf"
    exit 1
fi

for ((i = 1; i <= replicas; i++)); do
    start_replica "$i"
done
start_nginx() {
    setsid "$nginx" -p "$runtime" -e "$runtime/nginx-error.log" -c "$runtime/nginx.conf" \
        </dev/null >>"$runtime/nginx.log" 2>&1 &
    nginx_pid=$!
}
start_nginx

# Wait (up to 120 s) for every replica's first answer; the first start imports sympy.
for ((i = 1; i <= replicas; i++)); do
    until healthy "${ports[i]}"; do
        if ! kill -0 "${pids[i]}" 2>/dev/null; then
            log "replica $i exited at start; its log ($runtime/replica-$i.log) ends:"
            tail -n 20 "$runtime/replica-$i.log" >&2
            exit 1
        fi
        if ((SECONDS - started[i] > 120)); then
            log "replica $i did not answer /_stcore/health within 120 s"
            exit 1
        fi
        sleep 0.2
    done
done

shown=$address
[[ "$address" == 0.0.0.0 ]] && shown=$(hostname -I 2>/dev/null | awk '{print $1}')
echo "Knobs classroom: listening on http://$address:$port (open http://${shown:-localhost}:$port)"
for ((i = 1; i <= replicas; i++)); do
    echo "  replica r$i: http://127.0.0.1:${ports[i]} (pid ${pids[i]}, log $runtime/replica-$i.log)"
done
echo "  nginx: $runtime/nginx.conf (pid $nginx_pid); Ctrl-C stops everything"

# A replica that fails this many health checks in a row (one a second) is restarted; a new one
# has STARTUP_GRACE seconds to give its first answer.
MAX_FAILURES=3
STARTUP_GRACE=60
while true; do
    sleep 1 &
    wait $! || true # returns at once on Ctrl-C / SIGTERM, so the trap runs without delay
    if ! kill -0 "$nginx_pid" 2>/dev/null; then
        log "nginx exited; restarting it (its log: $runtime/nginx-error.log)"
        stop_group "$nginx_pid"
        start_nginx
    fi
    for ((i = 1; i <= replicas; i++)); do
        if ! kill -0 "${pids[i]}" 2>/dev/null; then
            reason="its process exited"
        elif healthy "${ports[i]}"; then
            failures[i]=0
            answered[i]=1
            continue
        elif ((!answered[i] && SECONDS - started[i] < STARTUP_GRACE)); then
            continue
        else
            failures[i]=$((failures[i] + 1))
            ((failures[i] >= MAX_FAILURES)) || continue
            reason="it failed $MAX_FAILURES health checks in a row"
        fi
        log "replica r$i (port ${ports[i]}): $reason; restarting it"
        stop_group "${pids[i]}" # its fork server and workers too
        start_replica "$i"
    done
done
