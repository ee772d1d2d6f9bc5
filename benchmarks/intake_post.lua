-- wrk script for the comment intake: every request is a new comment from its own client
-- address (X-Forwarded-For; the benchmark site trusts 127.0.0.1 as its proxy) with its own
-- body, so the figure measures validating and durably storing comments, not the rate limiter
-- (429) or the duplicate check. Usage: see intake.sh. Several wrk processes at once each pass a
-- number of their own (`wrk ... -- 2`), which keeps their bodies and addresses apart.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  process = tonumber(args[1] or "0")
end

function request()
  counter = counter + 1
  local n = tid * 4000000 + counter
  local address = (11 + process) .. "." .. (math.floor(n / 65536) % 256) .. "."
    .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
  local body = "post=bench-post&name=Bench+Reader&email=reader%40example.com"
    .. "&website=https%3A%2F%2Fexample.org%2F&homepage="
    .. "&body=A+load+test+comment+with+some+**Markdown**+number+" .. process .. "-" .. tid
    .. "-" .. counter
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = "https://bench.example",
    ["X-Forwarded-For"] = address,
  }, body)
end
