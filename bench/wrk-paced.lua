-- wrk script for bench/run-redirect's paced load: each connection waits WRK_PAUSE_MS
-- milliseconds (default 1) before each request, so the rate is about
-- connections / (pause + latency) instead of whatever the server can take.
local pause_ms = tonumber(os.getenv("WRK_PAUSE_MS") or "1")

function delay()
  return pause_ms
end
