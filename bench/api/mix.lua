-- wrk script for the cloud-api REST benchmark (bench/api/run). One wrk process per request
-- type, each paced with delay() so the three together offer ~500 requests/s:
--   MODE=list   GET /api/v1/groups?limit=50 and /api/v1/policies?limit=50, alternating
--   MODE=get    GET /api/v1/group/gNNNN and /api/v1/policy/N, random existing objects
--   MODE=create POST /api/v1/group with a unique name (thread id + counter)
--   MODE=health GET /health (the baseline through the same stack)
-- DELAY_MS is the pause of each connection between requests.
local token = os.getenv("MICROSEG_TOKEN")
local mode = os.getenv("MODE") or "list"
local delay_ms = tonumber(os.getenv("DELAY_MS") or "100")
local run = os.getenv("RUN_ID") or "0"
local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  math.randomseed(os.time() + thread_id)
end

function delay()
  return delay_ms
end

function request()
  local headers = { ["Authorization"] = "Bearer " .. token }
  counter = counter + 1
  if mode == "list" then
    if counter % 2 == 0 then
      return wrk.format("GET", "/api/v1/groups?limit=50", headers)
    end
    return wrk.format("GET", "/api/v1/policies?limit=50", headers)
  elseif mode == "get" then
    if counter % 2 == 0 then
      return wrk.format("GET", string.format("/api/v1/group/g%04d", math.random(0, 999)), headers)
    end
    return wrk.format("GET", "/api/v1/policy/" .. math.random(1, 5000), headers)
  elseif mode == "create" then
    headers["Content-Type"] = "application/json"
    local body = string.format('{"name":"load-%s-%d-%d","criteria":[{"key":"app","op":"=","value":"load"}]}', run, thread_id, counter)
    return wrk.format("POST", "/api/v1/group", headers, body)
  end
  return wrk.format("GET", "/health", {})
end

local errors = 0
function response(status, headers, body)
  if status >= 300 then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write(mode .. ": unexpected status " .. status .. " " .. string.sub(body, 1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT mode=%s requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d errors=%d\n",
    mode, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
