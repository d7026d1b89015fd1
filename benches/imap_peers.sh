#!/usr/bin/env bash
# IMAP benchmark of dealwatch, side by side with the peers and floors of ../shared/bench in one
# run, paired (A B A B ...): first scan over TLS vs mbsync's TLS pull, first scan in plain vs the
# raw fetch floor, no-change re-scan vs mbsync's re-sync. Then one instrumented scan
# (imap_bench) for bytes fetched vs mailbox bytes and peak RSS.
#
#   bash benches/imap_peers.sh [N]        # N = 20000 by default; RUNS=3 by default
#
# Needs ../shared/bench beside the repository (its dovecot.sh, gen_corpus.py, measure.py,
# imap_fetch.py, report.py), Dovecot, isync (mbsync) and GNU time (installed when missing).
set -euo pipefail
N=${1:-20000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$(cd "$ROOT/../shared/bench" && pwd)
export DWBENCH_DIR=${DWBENCH_DIR:-/tmp/dwbench}
PORT=14143
SPORT=14993
PY=$(python3 -c 'import sys; print(sys.executable)')
W=$DWBENCH_DIR/dealwatch-$N
OUT=$W/results.jsonl

missing=()
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v mbsync >/dev/null 2>&1 || missing+=(isync)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

(cd "$ROOT" && cargo build --release --quiet --bin dealwatch --bin imap_bench)
DW=$ROOT/target/release/dealwatch
CORPUS=$DWBENCH_DIR/corpus-$N
[ -f "$CORPUS/manifest.json" ] || "$PY" "$B/gen_corpus.py" "$N" "$CORPUS"
BYTES=$("$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m.get("bytes") or m.get("total_bytes"))' "$CORPUS/manifest.json" 2>/dev/null || du -sb "$CORPUS" | cut -f1)

"$B/dovecot.sh" start
trap '"$B/dovecot.sh" stop || true' EXIT
"$B/dovecot.sh" load "$CORPUS"
CERT=$DWBENCH_DIR/dovecot/tls/ca.pem
MPID=$(cat "$DWBENCH_DIR/dovecot/run/master.pid")
rm -rf "$W" && mkdir -p "$W/mbsync"

cfg() { # cfg FILE tls
  {
    echo '[identity]'
    echo 'addresses = ["marie.dupont@atelier-lumen.fr"]'
    echo 'domains = ["atelier-lumen.fr"]'
    echo '[accounts.sales]'
    if [ "$2" = yes ]; then
      echo "host = \"localhost\""; echo "port = $SPORT"; echo 'tls = "implicit"'; echo "ca-file = \"$CERT\""
    else
      echo "host = \"127.0.0.1\""; echo "port = $PORT"; echo 'tls = "none"'
    fi
    echo 'username = "sales"'
    echo 'password.env = "DWBENCH_PASSWORD"'
    echo 'folders = ["INBOX", "Sent"]'
  } >"$1"
}
cfg "$W/tls.toml" yes
cfg "$W/plain.toml" no
export DWBENCH_PASSWORD=sales

mbrc() { # mbrc FILE tls
  {
    echo "FSync no"; echo
    echo "IMAPAccount dwbench"
    if [ "$2" = yes ]; then echo "Host localhost"; echo "Port $SPORT"; echo "SSLType IMAPS"; echo "CertificateFile $CERT"
    else echo "Host 127.0.0.1"; echo "Port $PORT"; echo "SSLType None"; fi
    echo "User sales"; echo "Pass sales"; echo "AuthMechs LOGIN"; echo
    echo "IMAPStore far"; echo "Account dwbench"; echo
    echo "MaildirStore near"; echo "Path $W/mbsync/Maildir/"; echo "Inbox $W/mbsync/Maildir/INBOX"; echo "SubFolders Verbatim"; echo
    echo "Channel dwbench"; echo "Far :far:"; echo "Near :near:"
    echo "Patterns INBOX Sent"; echo "Create Near"; echo "Sync Pull"; echo "SyncState *"
  } >"$1"
}
mbrc "$W/mbsync/rc-tls" yes
mbrc "$W/mbsync/rc-plain" no
FRESH_MB="rm -rf $W/mbsync/Maildir && mkdir -p $W/mbsync/Maildir"
FRESH_DB="rm -f $W/dw.sqlite $W/dw.sqlite-wal $W/dw.sqlite-shm"
M=("$PY" "$B/measure.py" --out "$OUT" --group "$N" --runs "$RUNS" --warmup 1 --server-pid "$MPID")

"${M[@]}" --name "dealwatch first scan, TLS" --setup "$FRESH_DB" --messages "$N" --bytes "$BYTES" \
  --vs "mbsync -q -c $W/mbsync/rc-tls -a" --vs-name "mbsync full pull, TLS (FSync no)" \
  --vs-setup "$FRESH_MB" --vs-messages "$N" --vs-bytes "$BYTES" \
  -- "$DW" --quiet --config "$W/tls.toml" --db "$W/dw.sqlite" scan --account sales
"${M[@]}" --name "dealwatch first scan, plain" --setup "$FRESH_DB" --messages "$N" --bytes "$BYTES" \
  --vs "$PY $B/imap_fetch.py --port $PORT --mode full" --vs-name "fetch floor: BODY.PEEK[] (imaplib)" \
  --vs-messages "$N" --vs-bytes "$BYTES" \
  -- "$DW" --quiet --config "$W/plain.toml" --db "$W/dw.sqlite" scan --account sales
# Re-scans: dealwatch's database and mbsync's state are both complete here.
eval "$FRESH_MB"; mbsync -q -c "$W/mbsync/rc-tls" -a
"${M[@]}" --name "dealwatch re-scan, no change, TLS" --messages "$N" --bytes 0 \
  --vs "mbsync -q -c $W/mbsync/rc-tls -a" --vs-name "mbsync re-sync, no change, TLS" \
  --vs-messages "$N" --vs-bytes 0 \
  -- "$DW" --quiet --config "$W/tls.toml" --db "$W/dw.sqlite" scan --account sales
"$PY" "$B/report.py" "$OUT"
echo
echo "instrumented first scan over TLS (bytes fetched, peak RSS):"
"$ROOT/target/release/imap_bench" --config "$W/tls.toml" --account sales
