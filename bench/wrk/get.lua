-- bench/wrk/get.lua: GET of the URL given to wrk (the Authorization header comes with wrk -H); reports through
-- report.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
