#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for remid's SLURM path on a laptop and for the tests (tests/test_slurm.py).
#   sudo scripts/slurm-local.sh up       # installs slurm-wlm + munge (Debian/Ubuntu) if missing, starts the cluster
#   export SLURM_CONF=/tmp/remid-slurm/slurm.conf   # `up` prints this line: sbatch, sinfo, submitit then find it
#   sudo scripts/slurm-local.sh down     # cancels every job, stops the daemons it started, by pid
#   scripts/slurm-local.sh status        # exit 0 when the node is idle or busy
# Everything lives under REMID_SLURM_DIR (default ${TMPDIR:-/tmp}/remid-slurm): slurm.conf, a munge key and socket
# of its own, state, spool, pid and log files; /etc/slurm and /etc/munge are left alone. One node: this host with its
# CPUs (at least 2) and memory as `slurmd -C` reports them, one partition `local`. SLURM runs as root here (SlurmUser=root), as
# its daemons need; jobs run as the user who submits them. No accounting database: sacct is unavailable, and
# `scontrol show job` keeps finished jobs for MinJobAge (10 min). Ports: REMID_SLURM_PORT (6817) and the next.
# REMID_SLURM_NODES=2 (or more): that many nodes instead, remid-n1, remid-n2, ..., each a slurmd in a network
# namespace of its own (address REMID_SLURM_SUBNET.11, .12, ... on a bridge where slurmctld listens at .1) with its own
# hostname, the host's CPUs shared out among them; /etc/hosts gets their names (lines tagged with this state
# folder, removed by `down`). Jobs on two nodes then reach each other only over those addresses, as on a cluster.
set -euo pipefail

STATE=${REMID_SLURM_DIR:-${TMPDIR:-/tmp}/remid-slurm}
CONF=$STATE/slurm.conf
PORT=${REMID_SLURM_PORT:-6817}
NODES=${REMID_SLURM_NODES:-1}
SUBNET=${REMID_SLURM_SUBNET:-10.77.0}
BRIDGE=remid-br
TAG="# remid-slurm $STATE"
export SLURM_CONF=$CONF

die() { echo "slurm-local: $*" >&2; exit 1; }
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && return
  command -v apt-get >/dev/null || die "slurmctld/slurmd/munged not found and no apt-get: install SLURM and MUNGE"
  echo "slurm-local: installing slurm-wlm and munge"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
}

write_conf() {
  local host node
  host=$(hostname -s)
  # This host's CPUs, sockets, cores, threads and memory, as slurmd itself measures them; at least
  # REMID_SLURM_MIN_CPUS (2) CPUs, so a two-task job runs on a one-core machine too (task/none binds nothing: the
  # tasks share the core; SlurmdParameters=config_overrides makes slurmd take the declared count).
  node=$(slurmd -C | head -1 | sed -E "s/^NodeName=[^ ]+/NodeName=$host/")
  local cpus min=${REMID_SLURM_MIN_CPUS:-2}
  cpus=$(sed -E 's/.* CPUs=([0-9]+).*/\1/' <<<"$node")
  if (( cpus < min )); then
    node=$(sed -E "s/ CPUs=[0-9]+ / CPUs=$min /; s/ Boards=[0-9]+ SocketsPerBoard=[0-9]+ CoresPerSocket=[0-9]+ ThreadsPerCore=[0-9]+/ Boards=1 SocketsPerBoard=1 CoresPerSocket=$min ThreadsPerCore=1/" <<<"$node")
  fi
  local ctld=$host nodes=$host spool=$STATE/spool/d pidfile=$STATE/run/slurmd.pid logfile=$STATE/log/slurmd.log
  if (( NODES > 1 )); then  # one line for all nodes, each with its share of the host's CPUs (at least one)
    local share=$(( cpus / NODES > 0 ? cpus / NODES : 1 ))
    ctld="$host($SUBNET.1)" nodes="remid-n[1-$NODES]" spool="$STATE/spool/%n" pidfile="$STATE/run/slurmd-%n.pid"
    logfile="$STATE/log/slurmd-%n.log"
    node=$(sed -E "s/^NodeName=[^ ]+/NodeName=$nodes NodeAddr=$SUBNET.[11-$((10 + NODES))]/; s/ CPUs=[0-9]+ / CPUs=$share /; s/ Boards=[0-9]+ SocketsPerBoard=[0-9]+ CoresPerSocket=[0-9]+ ThreadsPerCore=[0-9]+/ Boards=1 SocketsPerBoard=1 CoresPerSocket=$share ThreadsPerCore=1/" <<<"$node")
  fi
  cat >"$CONF" <<EOF
ClusterName=remid-local
SlurmctldHost=$ctld
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$STATE/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmdParameters=config_overrides
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/log/jobcomp.log
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
SchedulerParameters=bf_interval=1
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$spool
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$pidfile
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$logfile
$node
PartitionName=local Nodes=$nodes Default=YES MaxTime=INFINITE State=UP
EOF
}

# The nodes' states, comma-separated when they differ: "idle" only when every node is idle.
node_state() { sinfo -h -N -o %t 2>/dev/null | sort -u | paste -sd, -; }

slurmd_pids() {  # the pid file of each slurmd
  if (( NODES > 1 )); then for i in $(seq "$NODES"); do echo "$STATE/run/slurmd-remid-n$i.pid"; done
  else echo "$STATE/run/slurmd.pid"; fi
}

network_up() {  # the bridge, one namespace per node on it, their names in /etc/hosts
  command -v ip >/dev/null || die "REMID_SLURM_NODES=$NODES needs iproute2 (apt-get install iproute2)"
  ip link show "$BRIDGE" >/dev/null 2>&1 && die "the bridge $BRIDGE exists: another multi-node cluster is up (down it first)"
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for i in $(seq "$NODES"); do
    ip netns add "remid-n$i"
    ip link add "remid-v$i" type veth peer name "remid-p$i"
    ip link set "remid-p$i" netns "remid-n$i"
    ip link set "remid-v$i" master "$BRIDGE" up
    ip netns exec "remid-n$i" ip addr add "$SUBNET.$((10 + i))/24" dev "remid-p$i"
    ip netns exec "remid-n$i" ip link set "remid-p$i" up
    ip netns exec "remid-n$i" ip link set lo up
    echo "$SUBNET.$((10 + i)) remid-n$i $TAG" >>/etc/hosts
  done
}

network_down() {
  for i in $(seq "$NODES"); do ip netns del "remid-n$i" 2>/dev/null || true; done  # takes its veth pair along
  ip link del "$BRIDGE" 2>/dev/null || true
  if grep -qF "$TAG" /etc/hosts; then
    grep -vF "$TAG" /etc/hosts >"$STATE/hosts.tmp" || true
    cat "$STATE/hosts.tmp" >/etc/hosts && rm -f "$STATE/hosts.tmp"
  fi
}

start_slurmd() {
  if (( NODES == 1 )); then slurmd -f "$CONF"; return; fi
  for i in $(seq "$NODES"); do  # nsenter, not `ip netns exec`: that remounts /sys, hiding the cgroup tree from slurmd
    nsenter --net="/run/netns/remid-n$i" unshare --uts sh -c "hostname remid-n$i && exec slurmd -f '$CONF'"
  done
}

up() {
  [[ $(id -u) == 0 ]] || die "run as root (sudo $0 up): slurmd and munged need it"
  install_packages
  if alive "$STATE/run/slurmctld.pid" && alive "$(slurmd_pids | head -1)"; then
    echo "slurm-local: already up ($CONF)"; echo "export SLURM_CONF=$CONF"; return
  fi
  down quiet
  rm -rf "$STATE/spool"
  mkdir -p "$STATE"/{spool/ctld,spool/d,log,run,munge}
  chmod 700 "$STATE/munge"
  [[ -s $STATE/munge/munge.key ]] || mungekey -c -k "$STATE/munge/munge.key"
  chmod 400 "$STATE/munge/munge.key"
  write_conf
  if (( NODES > 1 )); then network_up; fi
  munged --force --socket="$STATE/munge/munge.socket" --key-file="$STATE/munge/munge.key" \
    --pid-file="$STATE/run/munged.pid" --log-file="$STATE/log/munged.log" --seed-file="$STATE/munge/munged.seed" \
    2>>"$STATE/log/munged.log"
  slurmctld -f "$CONF" -c   # -c: a clean controller state (job ids from 1, no job of an earlier cluster)
  start_slurmd
  local state=""
  for _ in $(seq 100); do
    state=$(node_state)
    [[ $state == idle* ]] && break
    sleep 0.3
  done
  if [[ $state != idle* ]]; then
    tail -5 "$STATE"/log/slurmctld.log "$STATE"/log/slurmd*.log >&2 || true
    down quiet
    die "the node did not come up idle (state '${state:-none}'); logs in $STATE/log"
  fi
  sinfo
  echo "export SLURM_CONF=$CONF"
}

stop() {  # stop the daemons whose pid files are given, together: SIGTERM, then SIGKILL after 10 s
  local file pids=()
  for file in "$@"; do
    if alive "$file"; then pids+=("$(cat "$file")"); fi
  done
  (( ${#pids[@]} )) && kill "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    local left=0 pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    (( left )) || break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$@"
}

down() {
  if alive "$STATE/run/slurmctld.pid" && [[ -n $(squeue -h -o %i 2>/dev/null) ]]; then
    scancel --full $(squeue -h -o %i) 2>/dev/null || true   # jobs first: their slurmstepd exit with them
    for _ in $(seq 50); do [[ -z $(squeue -h -t R,CG -o %i 2>/dev/null) ]] && break; sleep 0.2; done
  fi
  stop $(slurmd_pids)   # every slurmd at once, then the controller, then munged
  stop "$STATE/run/slurmctld.pid"
  stop "$STATE/run/munged.pid"
  if (( NODES > 1 )); then network_down; fi
  [[ ${1:-} == quiet ]] || echo "slurm-local: down (logs in $STATE/log)"
}

status() {
  local state
  state=$(node_state)
  echo "${state:-down}"
  [[ $state == idle* || $state == mix* || $state == alloc* ]]
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
