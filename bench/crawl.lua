-- The archive crawl: each request asks for the next article of a shuffled list of the
-- archive's paths (bench/probe.py crawl), so nearly every page is one not rendered before:
-- the long tail of search engines, old social links and readers paging back.
-- CRAWL_PATHS names the list; CRAWL_START where this run begins in it (bench.py moves it on
-- for every run, so a second round does not find the first round's pages warm). The wrk
-- threads take turns through the list. The report is report.lua's.
local dir = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
dofile(dir .. "report.lua")

local paths = {}
for line in io.lines(os.getenv("CRAWL_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local start = tonumber(os.getenv("CRAWL_START") or "0")
local stride = tonumber(os.getenv("CRAWL_THREADS") or "1")
local threads = 0

setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local step = 0
request = function()
  local index = (start + offset + step * stride) % #paths + 1
  step = step + 1
  return wrk.format(nil, paths[index])
end
