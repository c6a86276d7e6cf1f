-- wrk script: after the run, print one line the load driver parses (latencies in microseconds).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "WRK_RESULT requests=%d seconds=%.3f rps=%.1f p50=%d p95=%d p99=%d max=%d errors=%d status_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    errors, summary.errors.status))
end
