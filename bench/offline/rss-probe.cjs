// Preloaded into the measured CLI process (node -r): reports its peak RSS on exit.
process.on('exit', () => {
  process.stderr.write(`\nbench-maxrss-kb: ${process.resourceUsage().maxRSS}\n`);
});
