/// A webhook survives its receiver being down and the server being killed: the built server on PostgreSQL finishes
/// a run whose receiver refuses connections, is SIGKILLed, and after a restart delivers exactly once.
module TimepointFlash.Tests.WebhooksRestart

open System
open System.Net.Http
open System.Text
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Reliability.ServerKill

let private http = new HttpClient(Timeout = TimeSpan.FromSeconds 5.0)

let private scalar (cs: string) (sql: string) = task {
    use conn = new NpgsqlConnection(cs)
    do! conn.OpenAsync()
    use cmd = new NpgsqlCommand(sql, conn)
    let! v = cmd.ExecuteScalarAsync()
    return if isNull v || v = box DBNull.Value then "" else string v
}

/// Polls a query until it returns the value; false after the seconds.
let private waitFor (cs: string) (sql: string) (value: string) (seconds: float) = task {
    let deadline = DateTime.UtcNow.AddSeconds seconds
    let mutable ok = false

    while not ok && DateTime.UtcNow < deadline do
        let! v = scalar cs sql
        ok <- v = value

        if not ok then
            do! Task.Delay 200

    return ok
}

let tests =
    testList "WebhooksRestart" [
        testTask "a receiver down at completion and a server killed before delivery still get one signed delivery" {
            let! name, _ = createPostgresDatabase ()

            let cs =
                NpgsqlConnectionStringBuilder(adminConnectionString (), Database = name).ConnectionString

            let port = ServerProcess.freePort ()
            let receiverPort = ServerProcess.freePort ()
            let baseUrl = $"http://127.0.0.1:{port}"
            let secret = "whsec_restart"

            let vars = [
                "PORT", string port
                "HOST", "127.0.0.1"
                "DATABASE_URL", cs
                "RATE_LIMIT", "0"
                "READ_RATE_LIMIT", "0"
                "WEBHOOK_SECRET", secret
                "WEBHOOK_ALLOW_HOSTS", $"127.0.0.1:{receiverPort}"
                "WEBHOOK_RETRY_BASE_MS", "200"
            ]

            let mutable server = startServer vars

            try
                let! up = waitStatus $"{baseUrl}/health" 200 60.0
                Expect.isTrue up "the server starts"

                let body =
                    $"""{{"query": "the coronation of charlemagne", "callback_url": "http://127.0.0.1:{receiverPort}/hook", "request_context": {{"run": "r-1"}}}}"""

                let! (resp: HttpResponseMessage) =
                    http.PostAsync(
                        $"{baseUrl}/api/v1/timepoints/generate",
                        new StringContent(body, Encoding.UTF8, "application/json")
                    )

                Expect.equal (int resp.StatusCode) 200 "accepted"
                let! (text: string) = resp.Content.ReadAsStringAsync()
                let id = string (System.Text.Json.Nodes.JsonNode.Parse(text).["id"])

                let! tried =
                    waitFor
                        cs
                        $"SELECT CASE WHEN COUNT(*) > 0 THEN 'yes' ELSE 'no' END FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.timepoint_id = '{id}'"
                        "yes"
                        60.0

                Expect.isTrue tried "the run finished and the down receiver was tried"
                let! status = scalar cs $"SELECT status FROM timepoints WHERE id = '{id}'"
                Expect.equal status "completed" "the run completed"
                server.Kill true
                server.WaitForExit()
                let! before = scalar cs $"SELECT status FROM webhook_deliveries WHERE timepoint_id = '{id}'"
                Expect.notEqual before "delivered" "nothing was delivered before the kill"

                use! (receiver: Receiver.Receiver) = Receiver.start receiverPort []
                server <- startServer vars
                let! upAgain = waitStatus $"{baseUrl}/health" 200 60.0
                Expect.isTrue upAgain "the server restarts"

                let! delivered =
                    waitFor cs $"SELECT status FROM webhook_deliveries WHERE timepoint_id = '{id}'" "delivered" 90.0

                Expect.isTrue delivered "delivered after the restart"
                let got = receiver.Received
                Expect.equal got.Length 1 "exactly one post reached the receiver"
                let r = got[0]
                let ts = int64 r.Headers["x-timepoint-timestamp"]
                Expect.equal r.Headers["x-timepoint-signature"] (Webhooks.sign secret ts r.Body) "signed"
                Expect.stringContains r.Body "\"run\":\"r-1\"" "request_context echoed"
            finally
                if not server.HasExited then
                    server.Kill true
                    server.WaitForExit()

                (dropPostgresDatabase name).Wait()
        }
    ]
