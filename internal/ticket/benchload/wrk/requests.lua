-- wrk script: POST /api/v1/requests as many different visitors (docs/benchmarks.md).
-- wrk -t2 -c32 -d30s --latency -s requests.lua http://127.0.0.1:PORT
-- Each request comes from a new address, so it also creates a contact.
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
function init(args)
  math.randomseed(os.time() + tid * 1000)
end
request = function()
  counter = counter + 1
  local email = string.format("wrk-%d-%d-%d@example.com", tid, counter, math.random(1, 1000000000))
  local body = '{"subject": "Nie mogę wystawić faktury korygującej", "body": "Dzień dobry,\\n\\nprzy wystawianiu korekty do faktury z zeszłego miesiąca pojawia się błąd. Co robię źle?\\n\\nPozdrawiam", "email": "' .. email .. '", "name": "Jan Testowy"}'
  return wrk.format("POST", "/api/v1/requests", {["Content-Type"] = "application/json"}, body)
end
