# Called by run-compare.sh: awk -F, -v files="sys=path.csv ..." -f table.awk /dev/null
# Reads bench_dir --csv output of each system and prints one table of ops/s
# with the zerofs ratios, then issue 9's targets. POSIX awk (mawk).
function has(s, k) { return ((s, k) in v) }
function cell(s, k) {
  if (!has(s, k)) return "-"
  return (failed[s, k] ? "FAIL" : v[s, k]) (capped[s, k] ? "*" : "")
}
# ratio(A, B, K): A's ops/s over B's, "-" when either is missing or failed.
function ratio(a, b, k) {
  if (!has(a, k) || !has(b, k) || failed[a, k] || failed[b, k] || v[b, k] + 0 <= 0) return "-"
  return sprintf("%.2f", v[a, k] / v[b, k])
}
function verdict(r, min) { return r == "-" ? "n/a" : (r + 0 >= min ? "met" : "NOT met") }
BEGIN {
  n = split(files, fl, " ")
  for (i = 1; i <= n; i++) {
    eq = index(fl[i], "=")
    sys[i] = substr(fl[i], 1, eq - 1)
    path = substr(fl[i], eq + 1)
    while ((getline line < path) > 0) {
      nf = split(line, f, ",")
      if (f[1] != "RESULT") continue
      k = f[2]
      if (!(k in seen)) { seen[k] = 1; wl[nw++] = k }
      v[sys[i], k] = f[5]
      failed[sys[i], k] = (f[10] ~ /^FAILED/)
      capped[sys[i], k] = (f[10] ~ /max-secs/)
    }
    close(path)
  }
  printf "%-14s", "workload"
  for (i = 1; i <= n; i++) printf " %11s", sys[i]
  printf " %9s %10s %9s\n", "zfs/s3fs", "zfs/rclone", "zfs/local"
  for (j = 0; j < nw; j++) {
    k = wl[j]
    printf "%-14s", k
    for (i = 1; i <= n; i++) printf " %11s", cell(sys[i], k)
    printf " %9s %10s %9s\n", ratio("zerofs", "s3fs", k), ratio("zerofs", "rclone", k),
      ratio("zerofs", "local", k)
  }
  print "(* = stopped by --max-secs: ops/s over what was done; FAIL = the workload failed;"
  print " seq_write_1m ops/s = MiB/s; tar_extract ops = files; sqlite_* ops = rows)"

  print ""
  print "Targets of issue 9 (zerofs = zerofs mount):"
  for (j = 0; j < nw; j++) {
    k = wl[j]
    if (k !~ /^(tar_extract|create_file|mkdir|stat|chmod|utimes|rename|unlink|rmdir|walk)$/) continue
    r1 = ratio("zerofs", "s3fs", k); r2 = ratio("zerofs", "rclone", k)
    printf "  %-13s zerofs/s3fs %8s (>= 20: %-7s)  zerofs/rclone %6s (>= 3: %s)\n", k, r1,
      verdict(r1, 20), r2, verdict(r2, 3)
    if (r1 != "-") { total++; met += (r1 + 0 >= 20) }
    if (r2 != "-") { total++; met += (r2 + 0 >= 3) }
  }
  r3 = ratio("zerofs", "local", "rand_read_4k")
  printf "  %-13s zerofs/local %7s (warm random reads within 2x of the local disk, >= 0.50: %s)\n",
    "rand_read_4k", r3, verdict(r3, 0.5)
  if (r3 != "-") { total++; met += (r3 + 0 >= 0.5) }
  printf "  %d of %d target comparisons met\n", met, total
}
