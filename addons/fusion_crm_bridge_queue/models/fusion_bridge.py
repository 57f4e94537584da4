import hashlib
import json

from odoo import models

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError

JOB_CHANNEL = "root.fusion_bridge"


class FusionBridge(models.AbstractModel):
    """Batches over the source's ``job_batch_size`` run as queue_job jobs instead of during the call.

    The call validates the batch and answers at once: malformed records get
    their errors, records whose idempotency key was already processed get their
    stored result (a replay), and the new ones ``queued`` with their job. Jobs
    run as the source's technical user through the same bridge code as a
    direct call. Each job's identity key is the hash of its source, operation
    and records, so a client that sends the same batch again while it waits
    creates no second job; once the job ran, the same batch is answered from
    the idempotency store. Either way the same work never runs twice.
    """

    _inherit = "fusion.bridge"

    def _call_records(self, operation, records):
        def work(bridge, source):
            checked = schemas.validate_batch(operation, records)
            return bridge._queue_records(source, operation, records, checked)

        caller_source = self.env["fusion.bridge.source"].sudo().search([("user_id", "=", self.env.uid)], limit=1)
        if not caller_source.job_batch_size or not isinstance(records, list) \
                or len(records) <= caller_source.job_batch_size:
            return super()._call_records(operation, records)
        return self._call(operation, work)

    def _queue_records(self, source, operation, records, checked):
        """The answer to a batch over the size limit: errors, replays, and the new records queued as jobs."""
        results = [schemas.error_result(raw, item) if isinstance(item, FusionError) else None
                   for raw, item in zip(records, checked)]
        valid = [item for item in checked if isinstance(item, schemas.ValidatedRecord)]
        stored = self._get_stored_requests(source, operation, [record.idempotency_key for record in valid])
        fresh = []
        for record in valid:
            previous = stored.get(record.idempotency_key)
            if previous:
                results[record.index] = self._replay(record, previous.payload_hash, previous._get_result())
            else:
                fresh.append(record)
        if len(fresh) <= source.job_batch_size:
            return {"results": self._process_records(source, operation, records, checked)}
        size = source.job_batch_size
        for start in range(0, len(fresh), size):
            chunk = fresh[start:start + size]
            job = self._enqueue_records(source, operation, [records[record.index] for record in chunk])
            for record in chunk:
                results[record.index] = schemas.record_result(record, "queued", False, job_uuid=job.uuid)
        return {"results": results, "queued": len(fresh)}

    def _enqueue_records(self, source, operation, records):
        """One job running ``records`` (plain client payloads) as ``source``'s technical user."""
        identity = hashlib.sha256(json.dumps([source.id, operation, records], sort_keys=True, default=str)
                                  .encode()).hexdigest()
        bridge = self.with_user(source.user_id).with_company(source.company_id)
        delayed = bridge.with_delay(
            channel=JOB_CHANNEL, identity_key=identity,
            description=self.env._("CRM bridge: %(operation)s, %(count)s records from %(code)s",
                                   operation=operation, count=len(records), code=source.code))
        return delayed._run_queued_records(operation, records)

    def _run_queued_records(self, operation, records):
        """The job: the batch through the bridge as a direct call would run it; its statuses counted."""
        response = super()._call_records(operation, records)
        if not response["ok"]:
            return json.dumps(response["error"])
        counts = {}
        for result in response["results"]:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return json.dumps(counts, sort_keys=True)
