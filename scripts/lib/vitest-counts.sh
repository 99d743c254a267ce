# Passed and failed counts from a vitest JSON report, for the tier scripts' result lines.
# A run that exited non-zero without failing a test (say, the cluster did not start) counts one failure.
vitest_counts() { # <report.json> <exit code>  ->  "passed failed"
  local counts p f
  counts="$(node -e '
    const fs = require("node:fs");
    try {
      const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      console.log(`${r.numPassedTests} ${r.numFailedTests + (r.numRuntimeErrorTests ?? 0)}`);
    } catch { console.log("0 1"); }
  ' "$1")"
  p="${counts% *}"
  f="${counts#* }"
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$p $f"
}
