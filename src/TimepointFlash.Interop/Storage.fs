namespace TimepointFlash.Interop

open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Runtime

/// Turns the Store's storage failures into the facade's typed exceptions, by case of the DbError.
[<RequireQualifiedAccess>]
module internal Storage =
    /// The facade exception for a storage failure: StorageUnavailableException for an outage.
    let exceptionOf (e: DbError) (inner: exn | null) : exn =
        if DbError.isOutage e then
            StorageUnavailableException(DbError.describe e, inner)
        else
            TimepointStorageException(DbError.describe e, inner)

    let private guarded (work: unit -> Task<'T>) : Task<'T> = task {
        try
            return! work ()
        with StoreFailure e as failure ->
            return raise (exceptionOf e failure)
    }

    /// The same store, throwing the facade's storage exceptions instead of StoreFailure.
    let guard (s: Store) : Store = {
        Insert = fun t -> guarded (fun () -> s.Insert t)
        Enqueue = fun t p -> guarded (fun () -> s.Enqueue t p)
        Update = fun t -> guarded (fun () -> s.Update t)
        Get = fun id -> guarded (fun () -> s.Get id)
        GetBySlug = fun slug -> guarded (fun () -> s.GetBySlug slug)
        List = fun q -> guarded (fun () -> s.List q)
        ListSummaries = fun q -> guarded (fun () -> s.ListSummaries q)
        GetWire = fun id full -> guarded (fun () -> s.GetWire id full)
        GetWireBySlug = fun slug full -> guarded (fun () -> s.GetWireBySlug slug full)
        ListWire = fun q -> guarded (fun () -> s.ListWire q)
        Delete = fun removal id -> guarded (fun () -> s.Delete removal id)
        Children = fun id -> guarded (fun () -> s.Children id)
        PutImage = fun id img -> guarded (fun () -> s.PutImage id img)
        GetImage = fun id -> guarded (fun () -> s.GetImage id)
        AppendLogs = fun id es -> guarded (fun () -> s.AppendLogs id es)
        Logs = fun id after -> guarded (fun () -> s.Logs id after)
        Ping = s.Ping
    }

    /// The facade exception for a failed start: an unreachable database is StorageUnavailableException,
    /// anything else TimepointConfigurationException.
    let startError (e: StartError) : exn =
        match e with
        | StartError.Database db when DbError.isOutage db -> exceptionOf db null
        | e -> TimepointConfigurationException(Runtime.describe e)
