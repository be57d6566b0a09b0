-- bench/load/changes.lua: a changes-feed consumer. GET /api/v1/changes?limit=N, passing back next_cursor as
-- `since` every time; while it lags it asks again at once, once caught up (a short page) it waits 100 ms, as a
-- polling client would. "extra" in the report is the number of changes received.
dofile(os.getenv("LOAD_LUA_DIR") .. "/common.lua")

local limit = tonumber(os.getenv("LOAD_FEED_LIMIT") or "200")
local headers = auth_headers()
local since = nil
local wait_ms = 0

function request()
  local p = "/api/v1/changes?limit=" .. limit
  if since ~= nil then p = p .. "&since=" .. since end
  return wrk.format("GET", p, headers)
end

function delay()
  return wait_ms
end

function response(status, hdrs, body)
  count_status(status, body)
  if status ~= 200 then return end
  local _, got = string.gsub(body, '"kind":', "")
  extra = extra + got
  since = string.match(body, '"next_cursor":%s*"([^"]+)"') or since
  wait_ms = (got < limit) and 100 or 0
end
