-- bench/load/ingest.lua: POST /api/v1/cases with single case records, each a new case. The record is the template
-- in $LOAD_CASE_TEMPLATE (tests/fixtures/example-case.json on one line, scripts/load puts @N@ where the case and
-- document numbers carry their serial), so every request stores a distinct case with its own decision number.
dofile(os.getenv("LOAD_LUA_DIR") .. "/common.lua")

local f = assert(io.open(os.getenv("LOAD_CASE_TEMPLATE"), "rb"))
local template = f:read("*a")
f:close()
local headers = auth_headers({ ["Content-Type"] = "application/json" })
local counter = 0

function request()
  counter = counter + 1
  -- distinct across threads: thread id in the millions, far above the generated data's serials
  local n = 1000000 * (id + 1) + counter
  local body = string.gsub(template, "@N@", tostring(n))
  return wrk.format("POST", "/api/v1/cases", headers, body)
end

function response(status, hdrs, body)
  count_status(status, body)
end
