namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks

/// Running generations against storage: synchronous, and the body of a background job.
[<RequireQualifiedAccess>]
module Generation =
    /// A new pending timepoint for a request (the slug base is the query).
    let pending (env: AppEnv) (query: string) (generateImage: bool) (parent: Guid option) = {
        Timepoint.pending (env.NewId()) (query.Trim()) (Slug.ofText (query.Trim()) None) generateImage (env.Now()) with
            ParentId = parent
    }

    /// Runs the pipeline for a stored timepoint, logging every event and saving the result.
    /// `observe` sees each event after it is stored.
    let runFor
        (env: AppEnv)
        (observe: StepEvent -> Task)
        (t: Timepoint)
        (continuity: Continuity option)
        (ct: CancellationToken)
        : Task<Timepoint> =
        task {
            let processing = {
                t with
                    Status = TimepointStatus.Processing
                    UpdatedAt = env.Now()
            }

            do! env.Store.Update processing

            let emit e =
                task {
                    do! env.Store.AppendLog t.Id e
                    do! env.Pipeline.Emit e
                    do! observe e
                }
                :> Task

            let request = {
                Query = t.Query
                GenerateImage = t.GenerateImage
                Continuity = continuity
            }

            let! result = Pipeline.run { env.Pipeline with Emit = emit } request ct

            match result.Image with
            | Some img ->
                do!
                    env.Store.PutImage t.Id {
                        Bytes = img.Bytes
                        MimeType = img.MimeType
                    }
            | None -> ()

            let finished = PipelineResult.applyTo continuity (env.Now()) result processing
            do! env.Store.Update finished
            return finished
        }

    /// Creates and runs a generation now; the saved timepoint is returned.
    let runNow (env: AppEnv) (observe: StepEvent -> Task) (query: string) (generateImage: bool) ct = task {
        let! stored = env.Store.Insert(pending env query generateImage None)
        return! runFor env observe stored None ct
    }

    /// Stores a pending timepoint with its job; a worker will run it.
    let enqueue (env: AppEnv) (query: string) (generateImage: bool) = task {
        let t = {
            pending env query generateImage None with
                Status = TimepointStatus.Processing
        }

        let! stored =
            env.Store.Enqueue t {
                TimepointId = t.Id
                Query = t.Query
                GenerateImage = generateImage
                Navigation = None
            }

        env.Wake()
        return stored
    }
