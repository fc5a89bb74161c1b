namespace TimepointFlash.Persistence

open System
open System.Data.Common
open System.Threading.Tasks
open TimepointFlash

/// The model-call budget shared by every replica through PostgreSQL (migration 0011): one row per bucket, one
/// atomic upsert per take that refills, takes when the levels allow and records whether it granted. The database's
/// clock is the bucket's clock, so replicas with skewed clocks share one timeline. The arithmetic is `Bucket.take`'s.
[<RequireQualifiedAccess>]
module BudgetStores =
    // One dimension's level refilled up to now, from the stored row ("b").
    let private refilled column =
        $"GREATEST(b.{column}, LEAST(@{column}_cap, b.{column} + @{column}_rate * "
        + "GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - b.at))::double precision)))"

    let private requests = refilled "requests"
    let private tokens = refilled "tokens"

    let private enough =
        $"({requests} + 1e-9 >= @requests_cost AND {tokens} + 1e-9 >= @tokens_cost)"

    let private takeSql =
        $"""
        INSERT INTO provider_budgets AS b (bucket, requests, tokens, at, granted)
        VALUES (@bucket, @requests_cap - @requests_cost, @tokens_cap - @tokens_cost, clock_timestamp(), true)
        ON CONFLICT (bucket) DO UPDATE SET
            requests = CASE WHEN {enough} THEN {requests} - @requests_cost ELSE {requests} END,
            tokens = CASE WHEN {enough} THEN {tokens} - @tokens_cost ELSE {tokens} END,
            at = GREATEST(b.at, clock_timestamp()),
            granted = {enough}
        RETURNING requests, tokens, at, granted
        """

    let private settleSql =
        "UPDATE provider_budgets SET tokens = LEAST(@tokens_cap, tokens + @tokens) WHERE bucket = @bucket"

    let private add (cmd: DbCommand) (name: string) (value: obj) =
        let p = cmd.CreateParameter()
        p.ParameterName <- name
        p.Value <- value
        cmd.Parameters.Add p |> ignore

    let private dimension (cmd: DbCommand) (name: string) (rate: BucketRate option) (cost: float) =
        let r = rate |> Option.defaultValue { Capacity = 0.0; PerSecond = 0.0 }

        add cmd $"{name}_cap" (box r.Capacity)
        add cmd $"{name}_rate" (box r.PerSecond)
        add cmd $"{name}_cost" (box cost)

    let private take (db: Database) bucket (limit: BucketLimit) (cost: BucketCost) _ = task {
        let c = Bucket.clamp limit cost

        let! outcome =
            Db.run db (fun s -> task {
                use cmd = s.Connection.CreateCommand()
                cmd.CommandText <- takeSql
                add cmd "bucket" (box bucket)
                dimension cmd "requests" limit.Requests c.Requests
                dimension cmd "tokens" limit.Tokens c.Tokens
                use! reader = cmd.ExecuteReaderAsync()
                let! _ = reader.ReadAsync()

                let level = {
                    Requests = reader.GetDouble 0
                    Tokens = reader.GetDouble 1
                    At = reader.GetFieldValue<DateTimeOffset> 2
                }

                return level, reader.GetBoolean 3
            })

        return
            match outcome with
            | Ok(_, true) -> TakeAnswer.Granted
            | Ok(level, false) -> TakeAnswer.Wait(TimeSpan.FromSeconds(Bucket.waitSeconds limit cost level))
            | Error e -> TakeAnswer.Unavailable(DbError.describe e)
    }

    let private settle (db: Database) bucket (limit: BucketLimit) (tokens: float) _ =
        task {
            match limit.Tokens with
            | None -> ()
            | Some r ->
                let! _ =
                    Db.run db (fun s -> task {
                        use cmd = s.Connection.CreateCommand()
                        cmd.CommandText <- settleSql
                        add cmd "bucket" (box bucket)
                        add cmd "tokens_cap" (box r.Capacity)
                        add cmd "tokens" (box tokens)
                        return! cmd.ExecuteNonQueryAsync()
                    })

                ()
        }
        :> Task

    /// The store over PostgreSQL's provider_budgets table.
    let postgres (db: Database) : BudgetStore = { Take = take db; Settle = settle db }
