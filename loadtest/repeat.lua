-- Repeat requests: the same popular caption again and again (deduplicated, no render).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"template":"hubble","width":1200,"captions":["hope is priceless","for everything else there is the ballot"]}'
