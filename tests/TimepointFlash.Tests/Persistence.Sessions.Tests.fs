module TimepointFlash.Tests.Persistence.Sessions

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let private message (role: MessageRole) (text: string) : SessionMessage = {
    Role = role
    Content = text
    CharacterName = (if role = MessageRole.Character then Some "Brutus" else None)
    At = Timestamp.normalise DateTimeOffset.UtcNow
}

let private exchange (sid: Guid) (timepoint: Guid) (i: int) = {
    SessionId = sid
    TimepointId = timepoint
    CharacterName = "Brutus"
    Messages = [
        message MessageRole.User $"question {i}"
        message MessageRole.Character $"answer {i}"
    ]
    At = Timestamp.normalise DateTimeOffset.UtcNow
}

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "a session keeps its messages in order and lists with a count and a preview"
        <| fun db -> task {
            let sessions = Sessions.store db
            let t = pending "sessions"
            let! _ = (Timepoints.store db).Insert t
            let sid = Guid.NewGuid()
            let! a = sessions.Append(exchange sid t.Id 1)
            ok "first" a
            let! b = sessions.Append(exchange sid t.Id 2)
            ok "second" b
            let! got = sessions.Get sid
            let s = ok "get" got |> Option.get

            Expect.equal
                (s.Messages |> List.map (fun m -> m.Content))
                [ "question 1"; "answer 1"; "question 2"; "answer 2" ]
                "order"

            Expect.equal s.Messages[1].CharacterName (Some "Brutus") "speaker"
            let! listed = sessions.List t.Id
            let xs = ok "list" listed

            Expect.equal
                (xs |> List.map (fun x -> x.Id, x.MessageCount, x.LastPreview))
                [ sid, 4, Some "answer 2" ]
                "summary"
        }

        testDb "two exchanges appended at once to one session are both stored, each pair together, none lost"
        <| fun db -> task {
            let sessions = Sessions.store db
            let t = pending "concurrent"
            let! _ = (Timepoints.store db).Insert t
            let sid = Guid.NewGuid()

            let! results =
                [ 1..8 ]
                |> List.map (fun i -> sessions.Append(exchange sid t.Id i))
                |> Task.WhenAll

            for r in results do
                ok "append" r

            let! got = sessions.Get sid
            let s = ok "get" got |> Option.get
            Expect.equal s.Messages.Length 16 "every message stored"

            // Each question is directly followed by its own answer.
            for pair in List.chunkBySize 2 s.Messages do
                Expect.equal (pair[0].Content.Replace("question", "answer")) pair[1].Content "pairs stay together"

            let asked =
                s.Messages
                |> List.filter (fun m -> m.Role = MessageRole.User)
                |> List.map (fun m -> m.Content)

            Expect.equal (List.sort asked) (List.sort [ for i in 1..8 -> $"question {i}" ]) "all eight"
        }

        testDb "deleting the timepoint deletes its sessions and their messages"
        <| fun db -> task {
            let sessions = Sessions.store db
            let t = pending "cascade"
            let! _ = (Timepoints.store db).Insert t
            let sid = Guid.NewGuid()
            let! _ = sessions.Append(exchange sid t.Id 1)
            let! _ = (Timepoints.store db).Delete t.Id
            let! got = sessions.Get sid
            Expect.equal (ok "get" got) None "gone with its timepoint"
            let! n = scalar db "SELECT COUNT(*) FROM chat_messages" []
            Expect.equal n 0L "no orphan messages"
        }

        testDb "a session is deleted once; a second delete finds nothing"
        <| fun db -> task {
            let sessions = Sessions.store db
            let t = pending "delete"
            let! _ = (Timepoints.store db).Insert t
            let sid = Guid.NewGuid()
            let! _ = sessions.Append(exchange sid t.Id 1)
            let! first = sessions.Delete sid
            let! second = sessions.Delete sid
            Expect.equal (ok "first" first, ok "second" second) (true, false) "once"
        }
    ]

let tests =
    testList "Persistence.Sessions" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
