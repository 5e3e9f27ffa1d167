/**
 * How a Talos VM's disks are told apart inside the guest: by the serial each
 * gets in Proxmox, never by probe order (/dev/sda is whichever disk the
 * kernel finds first). QEMU hands a SCSI disk's serial to the guest in its
 * device identification, and udev links it as
 * `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<serial>`. Proxmox keeps at most
 * 20 characters of a serial, so these are short and the same in every VM:
 * the by-id path names a disk within its own node.
 *
 * Kept free of cdktf: the config schema takes its default from here.
 */

/** Proxmox's limit on a disk serial. */
export const SERIAL_MAX_LENGTH = 20;

/** Serial of the disk Talos installs to (scsi0). */
export const OS_DISK_SERIAL = "talos-os";

/** Serial of the n-th (1-based) extra data disk, e.g. a Ceph OSD. */
export function dataDiskSerial(n: number): string {
  return `data-${n}`;
}

const BY_ID_PREFIX = "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_";

/** The guest's stable path of the disk with `serial`. */
export function diskByIdPath(serial: string): string {
  return `${BY_ID_PREFIX}${serial}`;
}

/** A regular expression matching the by-id path of every extra data disk (Rook's devicePathFilter). */
export const DATA_DISKS_BY_ID_PATTERN = `^${BY_ID_PREFIX}data-[0-9]+$`;
