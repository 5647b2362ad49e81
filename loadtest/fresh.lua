-- Fresh remixes: every request carries captions no other request had.
-- thread_id is set per thread by setup(); it must stay a global.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"template":"hubble","width":1200,"captions":["hope is priceless %d-%d","for everything else there is the ballot %d"]}',
    thread_id, counter, counter)
  return wrk.format("POST", "/api/remixes", {["Content-Type"] = "application/json"}, body)
end
