-- What benchmarks/load.py reads from wrk: one JSON line printed by done(), with wrk's
-- counts and errors, the latency percentiles (ms) and what the scenario adds.
local report = {}

local function milliseconds(microseconds)
  return string.format("%.2f", microseconds / 1000)
end

function report.quoted(text)
  return '"' .. tostring(text):gsub('[%c"\\]', function(char)
    return string.format("\\u%04x", char:byte())
  end) .. '"'
end

-- `fields` maps extra keys to JSON text the scenario has already encoded.
function report.print(summary, latency, fields)
  local errors = summary.errors
  local parts = {
    '"requests": ' .. summary.requests,
    '"seconds": ' .. string.format("%.3f", summary.duration / 1e6),
    string.format(
      '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}',
      errors.connect, errors.read, errors.write, errors.timeout, errors.status
    ),
    string.format(
      '"latency_ms": {"p50": %s, "p90": %s, "p95": %s, "p99": %s, "mean": %s, "max": %s}',
      milliseconds(latency:percentile(50)), milliseconds(latency:percentile(90)),
      milliseconds(latency:percentile(95)), milliseconds(latency:percentile(99)),
      milliseconds(latency.mean), milliseconds(latency.max)
    ),
  }
  for key, json in pairs(fields or {}) do
    table.insert(parts, report.quoted(key) .. ": " .. json)
  end
  io.write("{" .. table.concat(parts, ", ") .. "}\n")
end

return report
