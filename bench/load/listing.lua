-- bench/load/listing.lua: a listing ($LOAD_PATH, e.g. /api/v1/findings?limit=50) read page by page, following
-- next_cursor for up to $LOAD_PAGES pages (default 5) before starting again from the first page, as a reviewer
-- paging through a list does.
dofile(os.getenv("LOAD_LUA_DIR") .. "/common.lua")

local path = os.getenv("LOAD_PATH") or error("LOAD_PATH is not set")
local max_pages = tonumber(os.getenv("LOAD_PAGES") or "5")
local headers = auth_headers()
local cursor, page = nil, 1

function request()
  local p = path
  if cursor ~= nil then p = p .. "&cursor=" .. cursor end
  return wrk.format("GET", p, headers)
end

function response(status, hdrs, body)
  count_status(status, body)
  local next_cursor = string.match(body or "", '"next_cursor":%s*"([^"]+)"')
  if status == 200 and next_cursor ~= nil and page < max_pages then
    cursor, page = next_cursor, page + 1
  else
    cursor, page = nil, 1
  end
end
