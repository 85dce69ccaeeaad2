#!/usr/bin/env bash
# Runs this guide's submit.sh under a real single-node Slurm on this machine and checks that the
# merged result equals the single run's, byte for byte. Not part of CI: it needs root and
# Debian's packages (apt-get install slurmctld slurmd slurm-client munge). It starts munged if
# it is not running, and its own slurmctld and slurmd with a private configuration in a
# temporary folder (the node is this host, 2 CPUs), which it stops at the end.
#
#   ENRICHSIM=target/release/enrichsim examples/slurm/test-single-node.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
enrichsim=$(realpath "${ENRICHSIM:-$root/target/release/enrichsim}")
shards=${SHARDS:-4}
reps=${REPS:-4000}
work=$(mktemp -d /tmp/enrichsim-slurm.XXXXXX)
host=$(hostname -s)
cpus=$(nproc)

cat > "$work/slurm.conf" <<CONF
ClusterName=enrichsim-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf

cleanup() {
    for pid in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -s "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
}
trap cleanup EXIT

if ! munge -n >/dev/null 2>&1; then   # no munged answering: start ours, stopped at the end
    [ -s /etc/munge/munge.key ] || mungekey --create --force
    mkdir -p /run/munge && chown munge:munge /run/munge
    chmod o+x "$work" && mkdir -p "$work/munge" && chown munge:munge "$work/munge"
    runuser -u munge -- /usr/sbin/munged --pid-file="$work/munge/munged.pid"
fi
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    sinfo -h -N -o %t 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo -N

# The guide's commands: N shards as a job array, the merge after them.
cd "$work"
scenario=$root/scenarios/phase3-enriched.toml
args=(sweep "$scenario" --set "design.analysis={ after_last = 18.0 }"
      --vary design.sample_size=300:500:100 --vary effect.hazard_ratio.low=0.55,0.65 --reps "$reps")
ENRICHSIM=$enrichsim ENRICHSIM_OUT=$work/shards \
    "$here/submit.sh" "$shards" "--format csv --output $work/merged.csv --plot $work/power.svg" "${args[@]}"
for _ in $(seq 600); do
    [ -z "$(squeue -h)" ] && break
    sleep 1
done
[ -z "$(squeue -h)" ] || { echo "jobs still queued after 600 s"; squeue; exit 1; }
cat enrichsim-*.log
"$enrichsim" "${args[@]}" --format csv --quiet > "$work/single.csv"
cmp "$work/merged.csv" "$work/single.csv"
echo "Slurm: $shards shards merged equal the single run byte for byte ($work/merged.csv):"
cat "$work/merged.csv"
