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
                stepRecord (List.item (i % Steps.all.Length) Steps.all) StepStatus.Completed with
                    Model = Some "offline"
                    Provider = Some "offline"
                    LatencyMs = Some(int64 i)
                    Usage = Some { Input = i * 10; Output = i * 20 }
                    Attempts = Some(1 + i % 2)
                    Error =
                        if i % 4 = 0 then
                            Some(GenerationFailure.toError (GenerationFailure.Interrupted "retried"))
                        else
                            None
            }

            let! appended = [ 1..30 ] |> List.map (entry >> logs.Append t.Id) |> Task.WhenAll
            let appended = appended |> Array.map (ok "append")
            Expect.equal (appended |> Array.map (fun e -> e.Seq) |> Array.sort) [| 1L .. 30L |] "1..30"
            let! all = logs.ListAfter t.Id 0L
            let all = ok "list" all
            Expect.equal (all |> List.map (fun e -> e.Seq)) [ 1L .. 30L ] "ordered"
            let e8 = all |> List.find (fun e -> e.LatencyMs = Some 8L)

            let expected = {
                entry 8 with
                    Seq = e8.Seq
                    At = e8.At
                    Error = e8.Error
            }

            Expect.equal e8 expected "every field back"

            Expect.equal
                (e8.Error |> Option.map (fun e -> e.Kind, e.Message))
                (Some(FailureKind.Interrupted, "retried"))
                "failure kind and message"

            let! tail = logs.ListAfter t.Id 25L
            Expect.equal (ok "tail" tail |> List.map (fun e -> e.Seq)) [ 26L .. 30L ] "replay after a seq"
        }

        testDb "a follower replays history then receives live entries until the timepoint is finished"
        <| fun db -> task {
            let logs = Logs.store db
            let store = Timepoints.store db
            let t = pending "follow"
            let! _ = store.Insert t
            let! _ = logs.Append t.Id (stepRecord Step.Judge StepStatus.Started)
            let! _ = logs.Append t.Id (stepRecord Step.Judge StepStatus.Completed)
            let seen = Collections.Concurrent.ConcurrentQueue<int64>()

            let isFinished () = task {
                let! r = store.TryGet t.Id
                return r |> Result.map (Option.exists (fun x -> TimepointStatus.isFinal x.Status))
            }

            let follower =
                Logs.follow
                    logs
                    t.Id
                    0L
                    isFinished
                    (TimeSpan.FromMilliseconds 20.0)
                    (fun e -> task { seen.Enqueue e.Seq })
                    Threading.CancellationToken.None

            do! Task.Delay 100
            let! _ = logs.Append t.Id (stepRecord Step.Timeline StepStatus.Started)
            let! _ = logs.Append t.Id (stepRecord Step.Timeline StepStatus.Completed)

            let! _ =
                store.Update {
                    t with
                        Status = TimepointStatus.Completed
                }

            let! last = follower
            Expect.equal (ok "follow" last) 4L "last seq"
            Expect.equal (List.ofSeq seen) [ 1L; 2L; 3L; 4L ] "history then live, in order"
        }
    ]

let tests =
    testList "Persistence.Logs" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
