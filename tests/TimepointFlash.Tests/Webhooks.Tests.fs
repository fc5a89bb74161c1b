/// Webhooks: the SSRF rules and signature as laws and golden strings; deliveries end to end against a loopback
/// receiver (signature, 503-then-200 retries, attempt order, 4xx not retried, refusals at request and send time).
module TimepointFlash.Tests.WebhookTests

open System
open System.Net
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

/// Printable text of 0–60 characters.
type Printable = Printable of string

type WebhookArbitraries =
    static member Printable() =
        Gen.elements ([ 'a' .. 'z' ] @ [ '0' .. '9' ] @ [ '{'; '}'; '"'; ':'; ' '; 'é'; '.' ])
        |> Gen.arrayOfLength 60
        |> Gen.zip (Gen.choose (0, 60))
        |> Gen.map (fun (n, cs) -> Printable(String(cs, 0, n)))
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<WebhookArbitraries> ]
        maxTest = 200
}

let private none = { Entries = [] }

let rules =
    testList "rules" [
        test "forbidden ranges cover loopback, private, link-local, metadata, multicast and their IPv6 forms" {
            for address in
                [
                    "127.0.0.1"
                    "10.1.2.3"
                    "172.16.0.1"
                    "172.31.255.255"
                    "192.168.1.1"
                    "169.254.169.254"
                    "100.64.0.1"
                    "0.0.0.0"
                    "224.0.0.1"
                    "255.255.255.255"
                    "::1"
                    "fe80::1"
                    "fd00:ec2::254"
                    "ff02::1"
                    "::ffff:127.0.0.1"
                    "::ffff:10.0.0.1"
                    "64:ff9b::a9fe:a9fe"
                ] do
                Expect.isSome (CallbackRules.forbiddenRange (IPAddress.Parse address)) $"{address} is refused"

            for address in
                [
                    "93.184.216.34"
                    "172.32.0.1"
                    "8.8.8.8"
                    "2606:4700::1111"
                    "::ffff:8.8.8.8"
                ] do
                Expect.isNone (CallbackRules.forbiddenRange (IPAddress.Parse address)) $"{address} is allowed"
        }

        test "request-time check: https only, no literal private address, no local names" {
            let refused url =
                Expect.isError (CallbackRules.check none url) $"{url} is refused"

            refused "http://example.com/hook"
            refused "ftp://example.com/hook"
            refused "/relative/hook"
            refused "https://127.0.0.1/hook"
            refused "https://[::1]:8443/hook"
            refused "https://169.254.169.254/latest/meta-data"
            refused "https://localhost/hook"
            refused "https://metadata.google.internal/computeMetadata"
            refused "https://10.0.0.7:9000/hook"
            refused ("https://example.com/" + String('a', 2100))
            Expect.isOk (CallbackRules.check none "https://example.com/hook?x=1") "a public https URL passes"
        }

        test "WEBHOOK_ALLOW_HOSTS exempts a host (any port) or one host:port, and allows http there" {
            let entries =
                [ "127.0.0.1:8088"; "receiver.test"; "[::1]:9000" ]
                |> List.choose CallbackRules.parseAllowEntry

            Expect.equal entries [ "127.0.0.1", Some 8088; "receiver.test", None; "::1", Some 9000 ] "parsed"
            let allow = { Entries = entries }
            Expect.isOk (CallbackRules.check allow "http://127.0.0.1:8088/hook") "listed host:port"
            Expect.isError (CallbackRules.check allow "http://127.0.0.1:8089/hook") "another port is not listed"
            Expect.isOk (CallbackRules.check allow "http://receiver.test:1234/x") "a bare host allows every port"
            Expect.isOk (CallbackRules.check allow "http://[::1]:9000/x") "bracketed IPv6 with a port"
            Expect.isNone (CallbackRules.parseAllowEntry "host:notaport") "a malformed port is refused"
        }

        test "send-time check refuses a name when any resolved address is forbidden" {
            let ok = IPAddress.Parse "93.184.216.34"
            let bad = IPAddress.Parse "10.0.0.1"
            Expect.isOk (CallbackRules.checkAddresses "h" [ ok ]) "public"
            Expect.isError (CallbackRules.checkAddresses "h" [ ok; bad ]) "one private address refuses"
            Expect.isError (CallbackRules.checkAddresses "h" []) "unresolvable"
        }
    ]

let signing =
    testList "signing" [
        test "golden: sha256=<hex HMAC-SHA256 over \"<timestamp>.<body>\">" {
            Expect.equal
                (Webhooks.sign "whsec_test" 1700000000L """{"id":"x"}""")
                "sha256=80e8d098018f757aa814ab1abb924f35d304affa1d93d29611a54696207eb7c3"
                "signature"
        }

        testPropertyWithConfig config "a signature is sha256= and 64 lower-case hex digits, and changes with the body"
        <| fun (Printable secret) (Printable body) (ts: int64) ->
            let s = Webhooks.sign (secret + "k") ts body

            s.Length = 71
            && s.StartsWith "sha256="
            && s.Substring 7 |> Seq.forall (fun c -> Char.IsDigit c || (c >= 'a' && c <= 'f'))
            && s <> Webhooks.sign (secret + "k") ts (body + "x")

        testPropertyWithConfig config "retry delays never shrink and never exceed an hour"
        <| fun (attempt: PositiveInt) ->
            let d = Webhooks.retryDelay (TimeSpan.FromSeconds 10.0) attempt.Get
            let next = Webhooks.retryDelay (TimeSpan.FromSeconds 10.0) (attempt.Get + 1)
            d <= next && next <= Webhooks.maxDelay && d >= TimeSpan.FromSeconds 10.0

        test "no attempt is scheduled past 24 hours after the first; 5xx retries, 4xx and 3xx do not" {
            let first = DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)
            let base' = TimeSpan.FromSeconds 10.0
            Expect.isSome (Webhooks.nextAttempt base' first (first.AddMinutes 1.0) 1) "early"
            Expect.isNone (Webhooks.nextAttempt base' first (first.AddHours 23.9) 20) "past the window"
            Expect.equal (Webhooks.verdict 204) AttemptVerdict.Delivered "2xx"
            Expect.equal (Webhooks.verdict 503) AttemptVerdict.Retry "5xx"
            Expect.equal (Webhooks.verdict 404) AttemptVerdict.GiveUp "4xx"
            Expect.equal (Webhooks.verdict 302) AttemptVerdict.GiveUp "3xx"
        }
    ]

let private secret = "whsec_test_secret"

/// Polls GET /deliveries until the first delivery reaches a final status.
let private waitDelivery (api: TestApi) (id: string) = task {
    let deadline = DateTime.UtcNow.AddSeconds 60.0
    let mutable result = None

    while result.IsNone && DateTime.UtcNow < deadline do
        let! resp = api.Client.GetAsync $"/api/v1/timepoints/{id}/deliveries"
        let! node = body resp
        let ds = node["deliveries"].AsArray()

        if
            ds.Count > 0
            && (str ds[0] "status" = "delivered" || str ds[0] "status" = "failed")
        then
            result <- Some ds[0]
        else
            do! Task.Delay 100

    return result |> Option.defaultWith (fun () -> failwith "the delivery did not finish")
}

let private vars (receiver: Receiver.Receiver) = [
    "WEBHOOK_SECRET", secret
    "WEBHOOK_ALLOW_HOSTS", Uri(receiver.BaseUrl).Authority
    "WEBHOOK_RETRY_BASE_MS", "100"
]

let private generate (api: TestApi) (json: string) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate" json
    let! node = body resp
    return int resp.StatusCode, node
}

let deliveries =
    testList "deliveries" [
        testTask "a receiver answering 503 twice gets one signed payload delivered, attempts listed in order" {
            use! (receiver: Receiver.Receiver) = Receiver.start 0 [ 503; 503 ]
            use! api = startWith (vars receiver) None

            let! status, node =
                generate
                    api
                    $"""{{"query": "the signing of the declaration of independence", "callback_url": "{receiver.BaseUrl}/hook?token=abc", "request_context": {{"job": 7, "tags": ["a"]}}}}"""

            Expect.equal status 200 "accepted"
            let id = str node "id"
            Expect.equal (str node "deliveries_url") $"/api/v1/timepoints/{id}/deliveries" "deliveries url"
            let! delivery = waitDelivery api id
            Expect.equal (str delivery "status") "delivered" "delivered"
            Expect.equal (str delivery "url") $"{receiver.BaseUrl}/hook" "the listed URL has no query"
            let attempts: JsonNode list = delivery["attempts"].AsArray() |> Seq.toList

            Expect.equal
                (attempts
                 |> List.map (fun (a: JsonNode) -> int (a.["number"]), int (a.["status_code"]), str a "verdict"))
                [ 1, 503, "retry"; 2, 503, "retry"; 3, 200, "delivered" ]
                "three attempts in order"

            let times =
                attempts
                |> List.map (fun (a: JsonNode) -> DateTimeOffset.Parse(str a "attempted_at"))

            Expect.equal times (List.sort times) "attempt times increase"
            let got = receiver.Received
            Expect.equal (got |> List.map (fun r -> r.Answered)) [ 503; 503; 200 ] "the receiver saw three posts"
            Expect.equal (got |> List.filter (fun r -> r.Answered = 200) |> List.length) 1 "exactly one success"

            Expect.equal
                (got
                 |> List.map (fun r -> r.Headers["idempotency-key"])
                 |> List.distinct
                 |> List.length)
                1
                "one key"

            Expect.equal (got |> List.map (fun r -> r.Body) |> List.distinct |> List.length) 1 "one body"

            for r in got do
                let ts = int64 r.Headers["x-timepoint-timestamp"]
                Expect.equal r.Headers["x-timepoint-signature"] (Webhooks.sign secret ts r.Body) "signature verifies"
                Expect.equal r.Path "/hook?token=abc" "posted to the callback URL"

            let payload = JsonNode.Parse got[0].Body
            Expect.equal (str payload "id") id "the timepoint id"
            Expect.equal (str payload "status") "completed" "completed"
            Expect.equal (int (payload.["request_context"].["job"])) 7 "request_context echoed"
            Expect.isNotNull payload["scene"] "the full timepoint"
        }

        testTask "a 4xx answer is not retried; a failed run posts the failure payload" {
            use! (receiver: Receiver.Receiver) = Receiver.start 0 [ 410 ]
            use! api = startWith (vars receiver) None

            let! _, node =
                generate
                    api
                    $"""{{"query": "how do I bake sourdough bread at home", "callback_url": "{receiver.BaseUrl}/hook", "request_context": {{"k": "v"}}}}"""

            let id = str node "id"
            let! delivery = waitDelivery api id
            Expect.equal (str delivery "status") "failed" "given up"
            Expect.equal (delivery["attempts"].AsArray().Count) 1 "one attempt"
            do! Task.Delay 1000
            Expect.equal receiver.Received.Length 1 "no retry after a 4xx"
            let payload = JsonNode.Parse receiver.Received[0].Body
            Expect.equal (str payload "status") "failed" "the failure payload"
            Expect.isNotNull payload["error"] "with the error"
            Expect.equal (str payload["request_context"] "k") "v" "request_context echoed"
        }

        testTask "a background navigation calls back too" {
            use! (receiver: Receiver.Receiver) = Receiver.start 0 []
            use! api = startWith (vars receiver) None

            let! resp =
                postJson api.Client "/api/v1/timepoints/generate/sync" """{"query": "the moon landing in july 1969"}"""

            let! source = body resp

            let! (nav: Net.Http.HttpResponseMessage) =
                postJson
                    api.Client
                    $"""/api/v1/temporal/{str source "id"}/next"""
                    $"""{{"units": 1, "unit": "hour", "background": true, "callback_url": "{receiver.BaseUrl}/nav"}}"""

            Expect.equal (int nav.StatusCode) 200 "accepted"
            let! navNode = body nav
            let! delivery = waitDelivery api (str navNode "target_id")
            Expect.equal (str delivery "status") "delivered" "delivered"
            Expect.equal receiver.Received.Length 1 "one post"
        }

        testTask "private callbacks are refused with 422 at request time; a name resolving to one at send time" {
            use! (receiver: Receiver.Receiver) = Receiver.start 0 []
            use! api = startWith (vars receiver) None

            for url in
                [
                    "https://127.0.0.1/hook"
                    "https://10.0.0.8/hook"
                    "http://example.com/hook"
                    "https://localhost/x"
                ] do
                let! (status: int), (node: JsonNode) =
                    generate api $"""{{"query": "the fall of the berlin wall", "callback_url": "{url}"}}"""

                Expect.equal status 422 $"{url} refused at request time"
                Expect.stringContains (node.ToJsonString()) "callback_url" "names the field"

            let! (sync: Net.Http.HttpResponseMessage) =
                postJson
                    api.Client
                    "/api/v1/timepoints/generate/sync"
                    $"""{{"query": "the fall of the berlin wall", "callback_url": "{receiver.BaseUrl}/x"}}"""

            Expect.equal (int sync.StatusCode) 422 "only background runs call back"

            // This machine's own name passes the request-time check and resolves to a local address at send time.
            let host = Dns.GetHostName()
            let! addresses = Dns.GetHostAddressesAsync host

            Expect.isError
                (CallbackRules.checkAddresses host (List.ofArray addresses))
                "the host name resolves to a forbidden address"

            let! status, node =
                generate api $"""{{"query": "the fall of the berlin wall", "callback_url": "https://{host}:9/hook"}}"""

            Expect.equal status 200 "accepted at request time"
            let! delivery = waitDelivery api (str node "id")
            Expect.equal (str delivery "status") "failed" "refused at send time"
            let attempt = delivery["attempts"].AsArray()[0]
            Expect.stringStarts (str attempt "error") "refused:" "the refusal is recorded"
            Expect.equal (str attempt "verdict") "give_up" "and not retried"
        }

        testTask "without WEBHOOK_SECRET a callback is refused with 422" {
            use! api = startWith [] None

            let! status, _ =
                generate api """{"query": "the fall of the berlin wall", "callback_url": "https://example.com/hook"}"""

            Expect.equal status 422 "refused"
        }
    ]

let tests = testList "Webhooks" [ rules; signing; deliveries ]
