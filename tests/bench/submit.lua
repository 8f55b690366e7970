-- wrk script: POST the meeting in $WRK_BODY with a fresh Idempotency-Key and branch per request, and print
-- one JSON summary line (the token in $WRK_AUTHORIZATION, "Bearer …") (latencies in microseconds).
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
local body = f:read("*a")
f:close()
local counter = 0
local thread_id = tostring(math.random(1, 1e9))

request = function()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json",
                   ["Idempotency-Key"] = thread_id .. "-" .. counter,
                   ["Authorization"] = os.getenv("WRK_AUTHORIZATION")}
  -- A branch of its own per request: a branch's month has one regular meeting (#19).
  local branch = '"branch_id": "bench-' .. thread_id .. '-' .. counter .. '"'
  return wrk.format("POST", nil, headers, (body:gsub('"branch_id": "[^"]*"', branch, 1)))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"status_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
