-- wrk script of the fault scenario (bench/fault.py): a mix of pages, and answers counted
-- per second so the report can split them by phase. FAULT_PATHS: paths separated by
-- spaces; a leading "!" sends the session cookie (the page cache is bypassed).
local entries = {}
for item in string.gmatch(os.getenv("FAULT_PATHS") or "/", "%S+") do
  table.insert(entries, item)
end
local threads = {}
local n = 0
counts = {}

setup = function(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads)
end

request = function()
  n = n + 1
  local item = entries[((n + (offset or 0) * 7) % #entries) + 1]
  if string.sub(item, 1, 1) == "!" then
    return wrk.format("GET", string.sub(item, 2), { ["Cookie"] = "sessionid=bench" })
  end
  return wrk.format("GET", item)
end

-- Flat: key second * 4 + kind (0 answered, 1 a 5xx, 2 another 4xx), value a count; wrk
-- copies only flat tables out of its threads.
response = function(status, headers, body)
  local kind = 0
  if status >= 500 then
    kind = 1
  elseif status >= 400 then
    kind = 2
  end
  local key = os.time() * 4 + kind
  counts[key] = (counts[key] or 0) + 1
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      local second, kind = math.floor(key / 4), key % 4
      local s = seconds[second] or { 0, 0, 0 }
      s[kind + 1] = s[kind + 1] + n
      seconds[second] = s
    end
  end
  local parts = {}
  for second, s in pairs(seconds) do
    table.insert(parts, string.format('"%d": [%d, %d, %d]', second, s[1], s[2], s[3]))
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"seconds": {%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, table.concat(parts, ", ")))
end
