-- bench/wrk/post-case.lua: POST /api/v1/cases of a case record file, each request with a case_no of its own so
-- that each creates a new case. Arguments (after wrk's --): FILE PREFIX. The Authorization header comes with -H.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local pieces, prefix
local counter = 0

-- The body is the file split at each occurrence of its case number (the example uses it as its penalty decision's
-- number too, which rule D14 looks up across the agency's cases): every occurrence gets the request's own number.
function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*a")
  f:close()
  prefix = args[2] or "WRK"
  local case_no = body:match('"case_no"%s*:%s*"([^"]*)"')
  assert(case_no, "no case_no in " .. args[1])
  pieces = {}
  local pos = 1
  while true do
    local s, e = body:find(case_no, pos, true)
    if not s then break end
    table.insert(pieces, body:sub(pos, s - 1))
    pos = e + 1
  end
  table.insert(pieces, body:sub(pos))
end

local headers

function request()
  if not headers then -- wrk.format takes the headers given or wrk.headers (those of -H), not both
    headers = {}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    headers["Content-Type"] = "application/json"
  end
  counter = counter + 1
  local body = table.concat(pieces, string.format("%s-%d-%d", prefix, thread_id, counter))
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 201 and not reported then
    reported = true
    io.stderr:write(string.format("post-case.lua: HTTP %d: %s\n", status, body:sub(1, 300)))
  end
end
