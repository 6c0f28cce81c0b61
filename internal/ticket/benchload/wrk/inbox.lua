-- wrk script: GET /api/v1/admin/tickets, cycling through ten inbox views, with a staff
-- API token (helpcenter token create --name bench --staff-role agent) in TOKEN and an
-- agent's user id in AGENT (benchload's agents are the users named "Konsultant N").
-- TOKEN=hc_... wrk -t1 -c1 -d30s --latency -s inbox.lua http://127.0.0.1:PORT
local token = os.getenv("TOKEN")
local paths = {
  "/api/v1/admin/tickets?limit=25",
  "/api/v1/admin/tickets?status=unsolved&limit=25",
  "/api/v1/admin/tickets?status=unsolved&assignee=none&limit=25",
  "/api/v1/admin/tickets?status=new&limit=25&sort=oldest",
  "/api/v1/admin/tickets?assignee=" .. (os.getenv("AGENT") or "1") .. "&status=pending&limit=25",
  "/api/v1/admin/tickets?kind=account_type_change&limit=25",
  "/api/v1/admin/tickets?sort=updated&limit=25",
  "/api/v1/admin/tickets?q=faktura%20korygujaca&limit=25",
  "/api/v1/admin/tickets?q=przelew&status=unsolved&limit=25",
  "/api/v1/admin/tickets?q=certyfikat&status=new&assignee=none&limit=25",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Bearer " .. token})
end
