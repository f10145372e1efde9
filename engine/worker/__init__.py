"""The GPU side of the queue: claim the fairest batch, run it on the warm engine, write and publish each outcome.

``executor.Executor`` runs claimed jobs (shared by both modes), ``local.LocalWorker`` is the thread beside the
bot in local mode, ``service.WorkerService`` the Dramatiq process of ``reelbot worker``. Importing this package
imports nothing heavy; the modules load torch only through the engine they are given.
"""
