/** A job as a person reads it on a terminal: one `field  value` line per known field. */
import type { Job, JobEntities } from "../provider/job";

export function formatJob(job: Job): string {
  const rows: Array<[string, string | undefined]> = [
    ["status", job.status + (job.progress !== undefined ? ` ${job.progress}%` : "")],
    ["id", job.id],
    ["name", job.name || undefined],
    ["created", job.created || undefined],
    ["ended", job.ended],
    [
      "instance",
      job.instance ? `${job.instance.name ? `${job.instance.name} ` : ""}[${job.instance.id}]` : undefined,
    ],
    ["fail_reason", job.failReason],
    ...entityRows(job.entities),
  ];
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

function entityRows(e: JobEntities | undefined): Array<[string, string | undefined]> {
  if (!e) return [];
  switch (e.kind) {
    case "instance": {
      const ds = e.instance.datastore;
      return [
        ["endpoint", e.instance.endpoint],
        ["type", e.instance.type],
        ["datastore", ds ? [ds.type, ds.version].filter(Boolean).join(" ") || undefined : undefined],
        ["replica_of", e.instance.replicaOf],
      ];
    }
    case "volume":
      return [
        [
          "volume",
          `${e.volume.type ?? "?"} ${e.volume.originalSizeGb ?? "?"} GB -> ${e.volume.targetSizeGb ?? "?"} GB`,
        ],
      ];
    case "publicIp":
      return [["public_ip", e.publicIp]];
    case "switchover":
      return [["switch_strategy", e.switchStrategy]];
    case "empty":
      return [];
    case "other":
      return [["entities", JSON.stringify(e.raw)]];
  }
}
