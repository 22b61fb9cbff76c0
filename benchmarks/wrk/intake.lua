-- Counter intakes for benchmarks/load.py: each request files a dossier for an applicant of
-- its own; each thread sends its share of the total, and stops once all are answered.
-- Arguments after wrk's URL: path, token ("" for a bare view), procedure code, run tag,
-- total, threads.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

-- A connection that may send no more waits this long: past wrk's --duration, so never.
local NEVER_MS = 24 * 3600 * 1000
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  path, procedure, tag = args[1], args[3], args[4]
  local total, thread_count = tonumber(args[5]), tonumber(args[6])
  quota = math.floor(total / thread_count) + (id < total % thread_count and 1 or 0)
  headers = { ["Content-Type"] = "application/json" }
  if args[2] ~= "" then
    headers["Authorization"] = "Token " .. args[2]
  end
  reserved, sent, answered = 0, 0, 0
  statuses, codes = {}, {}
end

-- wrk asks for a delay before each request: counting there, not in request(), keeps a
-- connection from sending past the quota, and answers of requests in flight still arrive.
function delay()
  if reserved < quota then
    reserved = reserved + 1
    return 0
  end
  return NEVER_MS
end

function request()
  sent = sent + 1
  local number = id * 10000000 + sent
  local body = string.format(
    '{"procedure": %s, "applicant": {"name": %s, "phone": "09%08d", "id_number": "001%09d", '
      .. '"address": "Phường Lê Lợi, thị xã Sơn Tây"}, "summary": "Hồ sơ thử tải"}',
    report.quoted(procedure),
    report.quoted(string.format("Người nộp thử %s-%d-%d", tag, id, sent)),
    number,
    number
  )
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    table.insert(codes, body:match('"code"%s*:%s*"([^"]*)"') or "")
  end
  if answered == quota then
    -- load.py waits for one such line per thread, then ends wrk's fixed duration early.
    io.write("thread done\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local counts, all_codes = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
    for _, code in ipairs(thread:get("codes")) do
      table.insert(all_codes, report.quoted(code))
    end
  end
  local status_parts = {}
  for status, count in pairs(counts) do
    table.insert(status_parts, string.format('"%d": %d', status, count))
  end
  report.print(summary, latency, {
    statuses = "{" .. table.concat(status_parts, ", ") .. "}",
    codes = "[" .. table.concat(all_codes, ", ") .. "]",
  })
end
