module TimepointFlash.Tests.Persistence.Logs

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "an image is stored, replaced and read back with its type"
        <| fun db -> task {
            let images = Images.store db
            let t = pending "image"
            let! _ = (Timepoints.store db).Insert t
            let! _ = images.Put t.Id [| 1uy; 2uy |] "image/png"
            let! _ = images.Put t.Id [| 3uy; 4uy; 5uy |] "image/svg+xml"
            let! got = images.TryGet t.Id
            let got = ok "get" got |> Option.get
            Expect.equal got.Bytes [| 3uy; 4uy; 5uy |] "replaced bytes"
            Expect.equal got.MimeType "image/svg+xml" "mime"
            let! none = images.TryGet(Guid.NewGuid())
            Expect.equal (ok "none" none) None "absent"
            let! orphan = images.Put (Guid.NewGuid()) [| 1uy |] "image/png"
            Expect.isError orphan "an image needs its timepoint"
        }

        testDb "step logs get gapless sequence numbers even when appended concurrently"
        <| fun db -> task {
            let logs = Logs.store db
            let t = pending "logs"
            let! _ = (Timepoints.store db).Insert t

            let entry i = {
                LogEntry.create t.Id (List.item (i % Steps.all.Length) Steps.all) LogStatus.Completed with
                    Model = Some "offline"
                    Provider = Some "offline"
                    LatencyMs = Some i
                    InputTokens = Some(i * 10)
                    OutputTokens = Some(i * 20)
                    Error = if i % 4 = 0 then Some "retried" else None
                    Output = Some(Encode.obj [ "i", Encode.int i ])
            }

            let! appended = [ 1..30 ] |> List.map (entry >> logs.Append) |> Task.WhenAll
            let appended = appended |> Array.map (ok "append")
            Expect.equal (appended |> Array.map (fun e -> e.Seq) |> Array.sort) [| 1..30 |] "1..30"
            let! all = logs.ListAfter t.Id 0
            let all = ok "list" all
            Expect.equal (all |> List.map (fun e -> e.Seq)) [ 1..30 ] "ordered"
            let e7 = all |> List.find (fun e -> e.LatencyMs = Some 7)
            Expect.equal e7.InputTokens (Some 70) "tokens"
            Expect.equal (e7.Output |> Option.map Encode.toString) (Some """{"i":7}""") "output JSON"
            let! tail = logs.ListAfter t.Id 25
            Expect.equal (ok "tail" tail |> List.map (fun e -> e.Seq)) [ 26..30 ] "replay after a seq"
        }

        testDb "a follower replays history then receives live entries until the timepoint is finished"
        <| fun db -> task {
            let logs = Logs.store db
            let store = Timepoints.store db
            let t = pending "follow"
            let! _ = store.Insert t
            let! _ = logs.Append(LogEntry.create t.Id Step.Judge LogStatus.Started)
            let! _ = logs.Append(LogEntry.create t.Id Step.Judge LogStatus.Completed)
            let seen = Collections.Concurrent.ConcurrentQueue<int>()

            let isFinished () = task {
                let! r = store.TryGet t.Id
                return r |> Result.map (Option.exists (fun x -> TimepointStatus.isFinal x.Status))
            }

            let follower =
                Logs.follow
                    logs
                    t.Id
                    0
                    isFinished
                    (TimeSpan.FromMilliseconds 20.0)
                    (fun e -> task { seen.Enqueue e.Seq })
                    Threading.CancellationToken.None

            do! Task.Delay 100
            let! _ = logs.Append(LogEntry.create t.Id Step.Timeline LogStatus.Started)
            let! _ = logs.Append(LogEntry.create t.Id Step.Timeline LogStatus.Completed)

            let! _ =
                store.Update {
                    t with
                        Status = TimepointStatus.Completed
                }

            let! last = follower
            Expect.equal (ok "follow" last) 4 "last seq"
            Expect.equal (List.ofSeq seen) [ 1; 2; 3; 4 ] "history then live, in order"
        }
    ]

let tests =
    testList "Persistence.Logs" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
