-- wrk script: request the paths listed in $WRK_PATHS (one a line) in turn, and print one
-- machine-readable line at the end: requests, duration (us), p50 and p95 latency (us), and
-- how many answers were not 2xx/3xx or failed.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  paths[#paths + 1] = line
end
local i = 0

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status + e.connect + e.read + e.write + e.timeout))
end
