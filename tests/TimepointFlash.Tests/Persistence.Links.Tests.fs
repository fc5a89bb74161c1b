module TimepointFlash.Tests.Persistence.Links

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "delete removes logs, image and jobs and orphans the children"
        <| fun db -> task {
            let store = Timepoints.store db
            let parent = pending "parent"
            let child = pending "child"
            let! _ = store.Insert parent
            let! _ = store.Insert child
            let! linked = store.LinkParent child.Id parent.Id
            Expect.equal (ok "link" linked) LinkOutcome.Linked "linked"
            let! _ = (Images.store db).Put parent.Id [| 9uy |] "image/png"
            let! _ = (Logs.store db).Append parent.Id (stepRecord Step.Judge StepStatus.Started)
            let signal = JobSignal()

            let! _ =
                (Jobs.store db signal).Enqueue parent.Id {
                    Kind = JobKind.Generate
                    Payload = "{}"
                    MaxAttempts = 3
                }

            let! deleted = store.Delete parent.Id
            Expect.isTrue (ok "delete" deleted) "deleted"

            for table in [ "timepoint_images"; "generation_logs"; "generation_jobs" ] do
                let! n = scalar db $"SELECT COUNT(*) FROM {table} WHERE timepoint_id = @id" [ "id", Sql.uuid parent.Id ]
                Expect.equal n 0L $"{table} cascaded"

            let! orphan = store.TryGet child.Id

            Expect.equal
                (ok "child" orphan |> Option.map (fun t -> t.ParentId))
                (Some None)
                "child kept, parent_id null"

            let! again = store.Delete parent.Id
            Expect.isFalse (ok "again" again) "second delete finds nothing"
        }

        testDb "update never drops a parent link made after the row was read"
        <| fun db -> task {
            let store = Timepoints.store db
            let parent, child = pending "parent", pending "child"
            let! _ = store.Insert parent
            let! _ = store.Insert child
            let! _ = store.LinkParent child.Id parent.Id

            let! updated =
                store.Update {
                    child with
                        Status = TimepointStatus.Completed
                }

            Expect.equal (ok "update" updated).ParentId (Some parent.Id) "the link survives a stale snapshot"
        }

        testDb "linking never overwrites an existing different parent (B29)"
        <| fun db -> task {
            let store = Timepoints.store db
            let a, b, c = pending "a", pending "b", pending "c"

            for t in [ a; b; c ] do
                let! _ = store.Insert t
                ()

            let! first = store.LinkParent c.Id a.Id
            let! again = store.LinkParent c.Id a.Id
            let! other = store.LinkParent c.Id b.Id
            Expect.equal (ok "first" first) LinkOutcome.Linked "linked"
            Expect.equal (ok "again" again) LinkOutcome.Linked "idempotent"
            Expect.equal (ok "other" other) (LinkOutcome.AlreadyLinked a.Id) "kept"
            let! self = store.LinkParent a.Id a.Id
            Expect.isError self "no self link"
            let! missing = store.LinkParent (Guid.NewGuid()) a.Id
            Expect.isError missing "unknown child"
        }

        testDb "every child of a branching node is returned in time order (B30)"
        <| fun db -> task {
            let store = Timepoints.store db
            let source = atYear "source" 1776
            let! _ = store.Insert source
            let later = atYear "later" 1786
            let earlier = atYear "earlier" -44
            let middle = atYear "middle" 1777

            for t in [ later; earlier; middle ] do
                let! _ = store.Insert t
                let! l = store.LinkParent t.Id source.Id
                ok "link" l |> ignore

            let! children = store.Children source.Id

            Expect.equal
                (ok "children" children |> List.map (fun t -> t.Query))
                [ "earlier"; "middle"; "later" ]
                "by year"
        }

        testDb "the navigation graph is walked across branches and both link directions, ordered by time"
        <| fun db -> task {
            let store = Timepoints.store db
            let source = atYear "source" 1776
            let next1 = atYear "next" 1777
            let prior = atYear "prior" 1775
            let next2 = atYear "next of next" 1778
            let branch = atYear "branch" 1779
            let unrelated = atYear "unrelated" 1780

            for t in [ source; next1; prior; next2; branch; unrelated ] do
                let! r = store.Insert t
                ok "insert" r |> ignore

            for child, parent in [ next1, source; prior, source; next2, next1; branch, next1 ] do
                let! r = store.LinkParent child.Id parent.Id
                ok "link" r |> ignore

            let years (r: Result<Timepoint list, DbError>) =
                ok "linked" r |> List.map (fun t -> (Option.get t.Point).Year)

            let! fromSource = TimepointGraph.linked store source.Id 50
            Expect.equal (years fromSource) [ 1775; 1777; 1778; 1779 ] "everything linked, by time"
            let! fromLeaf = TimepointGraph.linked store next2.Id 50
            Expect.equal (years fromLeaf) [ 1775; 1776; 1777; 1779 ] "up, then across the branch"
            let! nearest = TimepointGraph.linked store source.Id 2
            Expect.equal (years nearest) [ 1775; 1777 ] "the limit keeps the nearest links"
        }
    ]

let tests =
    testList "Persistence.Links" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
