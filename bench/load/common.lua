-- bench/load/common.lua: shared by the wrk scripts of scripts/load (loaded with dofile from each of them).
-- Counts non-2xx replies per thread (wrk itself only counts statuses >= 400) and, when wrk is done, prints one line
-- "LOAD {json}" with the figures scripts/load tabulates. The token comes from $LOAD_TOKEN, never the command line.

token = os.getenv("LOAD_TOKEN") or error("LOAD_TOKEN is not set")
non2xx = 0
first_bad = ""
extra = 0 -- a per-script figure (changes received by the feed pollers)

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Called by each script's response(): remembers the first bad reply for the report.
function count_status(status, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

function auth_headers(extra_headers)
  local h = { ["Authorization"] = "Bearer " .. token }
  for k, v in pairs(extra_headers or {}) do h[k] = v end
  return h
end

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local bad, ext, first = 0, 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    ext = ext + (t:get("extra") or 0)
    local f = t:get("first_bad") or ""
    if first == "" then first = f end
  end
  local e = summary.errors
  io.write(string.format(
    'LOAD {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"status_ge_400":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"extra":%d,"first_bad":%s}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max, ext, json_string(first)))
end
