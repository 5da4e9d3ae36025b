#!/usr/bin/env bash
# A one-node Slurm on this machine, for tests: a private munged, slurmctld and slurmd on localhost, no
# accounting, no systemd. Needs root and Debian's slurm-wlm + munge (installed here when missing).
#   scripts/slurm/local-cluster.sh start   prints the line to source: export SLURM_CONF=...
#   scripts/slurm/local-cluster.sh stop    cancels every job, waits for an empty queue, stops the daemons
#   scripts/slurm/local-cluster.sh env     prints the export line of a running cluster
# ATTNLAB_SLURM_DIR (default /tmp/attnlab-slurm): configuration, state, logs and sockets.
# ATTNLAB_SLURM_PORT (default 6817): slurmctld's port; slurmd listens on the next one.
set -euo pipefail

D="${ATTNLAB_SLURM_DIR:-/tmp/attnlab-slurm}"
PORT="${ATTNLAB_SLURM_PORT:-6817}"
CONF="$D/etc/slurm.conf"
SOCK="$D/munge-run/munge.socket"
say() { printf 'local-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

install() {
  command -v slurmctld >/dev/null && command -v munged >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "slurm-wlm and munge are not installed and this is not root; run: sudo apt-get install -y slurm-wlm munge"
  command -v apt-get >/dev/null || die "slurm-wlm and munge are not installed and there is no apt-get"
  say "installing slurm-wlm munge (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

start_munge() {
  # munged refuses keys and folders others can read: key 400 in a 700 folder; clients need the socket
  # folder to be searchable (755).
  mkdir -p "$D/munge" "$D/munge-run" "$D/log"
  chmod 700 "$D/munge"
  chmod 755 "$D/munge-run"
  if [ ! -f "$D/munge/munge.key" ]; then
    dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 400 "$D/munge/munge.key"
  munged --force --socket="$SOCK" --key-file="$D/munge/munge.key" --pid-file="$D/munge/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed"
}

write_conf() {
  mkdir -p "$D/etc" "$D/state" "$D/spool" "$D/log"
  # This machine's layout as slurmd sees it (CPUs, sockets, cores, memory), so the node is not drained
  # for having less than the configuration claims.
  local node mem cpus host
  node="$(slurmd -C | head -1)"
  host="$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$node")"
  mem="$(sed -E 's/.*RealMemory=([0-9]+).*/\1/' <<<"$node")"
  cpus="$(sed -E 's/.*CPUs=([0-9]+).*/\1/' <<<"$node")"
  cat >"$CONF" <<CONF
ClusterName=attnlab-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$SOCK
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without a default each job is given the node's whole memory, and jobs run one at a time.
DefMemPerCPU=$((mem / cpus / 2))
ReturnToService=2
SlurmdTimeout=30
MinJobAge=600
$(sed -E "s/^NodeName=[^ ]+/NodeName=$host NodeAddr=127.0.0.1/" <<<"$node") State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
  install
  if [ -f "$D/slurmctld.pid" ] && kill -0 "$(cat "$D/slurmctld.pid")" 2>/dev/null; then
    say "already running ($CONF)"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  start_munge
  write_conf
  export SLURM_CONF="$CONF"
  slurmctld -c -i
  slurmd -c
  for _ in $(seq 1 100); do
    if [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; then
      say "up: $(sinfo -h -o '%N %c CPUs %m MB %T')"
      echo "export SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.2
  done
  say "the node did not become idle in 20 s: $(sinfo -h 2>&1 || true)"
  say "logs: $D/log/slurmctld.log $D/log/slurmd.log"
  exit 1
}

stop_pid() {
  local f="$1"
  [ -f "$f" ] || return 0
  local pid
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

stop() {
  export SLURM_CONF="$CONF"
  if [ -f "$D/slurmctld.pid" ] && kill -0 "$(cat "$D/slurmctld.pid")" 2>/dev/null; then
    # scontrol shutdown leaves running job steps alive: cancel every job and wait for an empty queue.
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 1 150); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
    scontrol shutdown >/dev/null 2>&1 || true
    for f in slurmctld slurmd; do
      for _ in $(seq 1 50); do [ -f "$D/$f.pid" ] && kill -0 "$(cat "$D/$f.pid")" 2>/dev/null || break; sleep 0.1; done
    done
  fi
  stop_pid "$D/slurmd.pid"
  stop_pid "$D/slurmctld.pid"
  stop_pid "$D/munge/munged.pid"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) die "usage: $0 start|stop|env" ;;
esac
