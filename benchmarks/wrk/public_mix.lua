-- GET the paths given as arguments in turn, one list per thread starting at a different
-- place, so that the threads do not ask for the same page at the same moment.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  paths = args -- args[0] is wrk's URL, the paths follow from 1
  position = id % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  report.print(summary, latency)
end
