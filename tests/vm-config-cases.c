/* vm-config-cases.c
 *
 * Device flags follow osinfo-db 20221130 (/usr/share/osinfo/os/..., with
 * what each OS inherits through derives-from): virtio-block 1af4:1001/1042,
 * virtio-net 1af4:1000/1041, virtio-rng 1af4:1005/1044, virtio-balloon
 * 1af4:1002/1045, virtio-gpu 1af4:1050, QXL 1b36:0100, USB tablet
 * 80ee:0021, qemu-xhci 1b36:0004, ich9-hda 8086:293e, q35 chipset.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vm-config-cases.h"

enum
{
  Q35            = 1 << 0,
  VIRTIO_BLOCK   = 1 << 1,
  VIRTIO_NET     = 1 << 2,
  VIRTIO_RNG     = 1 << 3,
  VIRTIO_BALLOON = 1 << 4,
  VIRTIO_GPU     = 1 << 5,
  VIRTIO_1_0     = 1 << 6,
  QXL            = 1 << 7,
  USB_TABLET     = 1 << 8,
  USB_XHCI       = 1 << 9,
  ICH9_SOUND     = 1 << 10,
  SPICE_AGENT    = 1 << 11,
  NEEDS_UEFI     = 1 << 12,
  SECURE_BOOT    = 1 << 13,
  NEEDS_TPM      = 1 << 14,
  LIVE           = 1 << 15,
  INSTALLER      = 1 << 16,
};

/* What every current Linux in the database drives. */
#define LINUX (Q35 | VIRTIO_BLOCK | VIRTIO_NET | VIRTIO_RNG | VIRTIO_BALLOON | VIRTIO_1_0 | \
               USB_TABLET | USB_XHCI | ICH9_SOUND | SPICE_AGENT)
/* Windows 10 and 11 out of the box: no virtio drivers. */
#define WINDOWS (Q35 | QXL | USB_TABLET | USB_XHCI | ICH9_SOUND)

const VmConfigCase vm_config_cases[] = {
  { "fedora37", "fedora37", "http://fedoraproject.org/fedora/37", "Fedora Linux 37",
    "linux", "fedora", "37", "workstation", "x86_64", LINUX | QXL | VIRTIO_GPU | LIVE | INSTALLER,
    2048, 0, 20,
    "Fedora Linux 37", NULL, 2048, 2, 20, HANGAR_FIRMWARE_UEFI, HANGAR_DOMAIN_TYPE_QEMU,
    "Fedora-Workstation-Live-x86_64-37-1.7.iso", FALSE, NULL },
  /* The same machine with BIOS instead of UEFI. */
  { "fedora37-bios", "fedora37", "http://fedoraproject.org/fedora/37", "Fedora Linux 37",
    "linux", "fedora", "37", "workstation", "x86_64", LINUX | QXL | VIRTIO_GPU | LIVE | INSTALLER,
    2048, 0, 20,
    "Fedora Linux 37 2", NULL, 2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "Fedora-Workstation-Live-x86_64-37-1.7.iso", FALSE, NULL },
  /* Ubuntu 22.04 marks virtio-gpu unsupported and lists no QXL: VGA. */
  { "ubuntu22.04", "ubuntu22.04", "http://ubuntu.com/ubuntu/22.04", "Ubuntu 22.04 LTS",
    "linux", "ubuntu", "22.04", "desktop", "x86_64", LINUX | LIVE | INSTALLER,
    4096, 0, 25,
    "Ubuntu 22.04 LTS", NULL, 4096, 2, 25, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "ubuntu-22.04.1-desktop-amd64.iso", FALSE, NULL },
  { "debian11", "debian11", "http://debian.org/debian/11", "Debian 11",
    "linux", "debian", "11", "netinst", "x86_64", LINUX | QXL | VIRTIO_GPU | INSTALLER,
    1024, 0, 20,
    "Debian 11", NULL, 1024, 1, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "debian-11.5.0-amd64-netinst.iso", FALSE, NULL },
  /* The same machine under KVM. */
  { "debian11-kvm", "debian11", "http://debian.org/debian/11", "Debian 11",
    "linux", "debian", "11", "netinst", "x86_64", LINUX | QXL | VIRTIO_GPU | INSTALLER,
    1024, 0, 20,
    "Debian 11 2", NULL, 1024, 1, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM,
    "debian-11.5.0-amd64-netinst.iso", FALSE, NULL },
  { "opensuse15.4", "opensuse15.4", "http://opensuse.org/opensuse/15.4", "openSUSE Leap 15.4",
    "linux", "opensuse", "15.4", NULL, "x86_64", LINUX | QXL | VIRTIO_GPU | INSTALLER,
    2048, 0, 16,
    "openSUSE Leap 15.4", NULL, 2048, 2, 16, HANGAR_FIRMWARE_UEFI, HANGAR_DOMAIN_TYPE_QEMU,
    "openSUSE-Leap-15.4-DVD-x86_64-Media.iso", FALSE, NULL },
  /* "Try it": the live system alone, no disk, nothing to eject. */
  { "alpinelinux3.17-try", "alpinelinux3.17", "http://alpinelinux.org/alpinelinux/3.17",
    "Alpine Linux 3.17", "linux", "alpinelinux", "3.17", "virt", "x86_64",
    LINUX | QXL | LIVE | INSTALLER,
    768, 1, 4,
    "Alpine Linux 3.17", NULL, 768, 1, 0, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "alpine-virt-3.17.0-x86_64.iso", FALSE, NULL },
  { "rhel9.0", "rhel9.0", "http://redhat.com/rhel/9.0", "Red Hat Enterprise Linux 9.0",
    "linux", "rhel", "9.0", NULL, "x86_64", LINUX | QXL | VIRTIO_GPU | NEEDS_UEFI | INSTALLER,
    1536, 0, 20,
    "Red Hat Enterprise Linux 9.0", NULL, 2048, 2, 20, HANGAR_FIRMWARE_UEFI, HANGAR_DOMAIN_TYPE_KVM,
    "rhel-baseos-9.0-x86_64-dvd.iso", FALSE, NULL },
  /* i440FX, virtio disk and network, nothing else: IDE CD-ROM, USB 2. */
  { "freebsd13.1", "freebsd13.1", "http://freebsd.org/freebsd/13.1", "FreeBSD 13.1",
    "freebsd", "freebsd", "13.1", NULL, "x86_64", VIRTIO_BLOCK | VIRTIO_NET | INSTALLER,
    0, 0, 0,
    "FreeBSD 13.1", NULL, 2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "FreeBSD-13.1-RELEASE-amd64-disc1.iso", FALSE, NULL },
  /* Windows under KVM: local time, Hyper-V enlightenments, SATA, e1000e. */
  { "win10", "win10", "http://microsoft.com/win/10", "Microsoft Windows 10",
    "winnt", "win", "10", NULL, "x86_64", WINDOWS | INSTALLER,
    2048, 1, 20,
    "Microsoft Windows 10", NULL, 4096, 2, 64, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM,
    "Win10_22H2_English_x64.iso", FALSE, NULL },
  /* Secure Boot with Microsoft's keys, SMM and a TPM 2.0. */
  { "win11", "win11", "http://microsoft.com/win/11", "Microsoft Windows 11",
    "winnt", "win", "11", NULL, "x86_64",
    WINDOWS | NEEDS_UEFI | SECURE_BOOT | NEEDS_TPM | INSTALLER,
    4096, 2, 64,
    "Microsoft Windows 11", NULL, 4096, 2, 64, HANGAR_FIRMWARE_UEFI_SECURE_BOOT,
    HANGAR_DOMAIN_TYPE_QEMU, "Win11_22H2_English_x64v1.iso", TRUE, NULL },
  /* No XHCI driver: ICH9 EHCI + UHCI. */
  { "win7", "win7", "http://microsoft.com/win/7", "Microsoft Windows 7",
    "winnt", "win", "7", NULL, "x86_64", Q35 | QXL | USB_TABLET | ICH9_SOUND | INSTALLER,
    2048, 1, 20,
    "Microsoft Windows 7", NULL, 2048, 1, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "en_windows_7_professional_with_sp1_x64_dvd.iso", FALSE, NULL },
  /* A 32-bit machine on i440FX: IDE, e1000, no HD audio. */
  { "winxp", "winxp", "http://microsoft.com/win/xp", "Microsoft Windows XP",
    "winnt", "win", "xp", NULL, "i686", QXL | USB_TABLET | INSTALLER,
    512, 1, 10,
    "Microsoft Windows XP", NULL, 512, 1, 10, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "en_windows_xp_professional_with_service_pack_3_x86_cd.iso", FALSE, "i686" },
  /* An unknown medium. */
  { "generic", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
    0, 0, 0,
    "New Machine", NULL, 2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "unknown-os.iso", FALSE, NULL },
  /* Markup, quotes and Unicode in every string the user or a file name
   * brings: escaped, never interpreted. */
  { "hostile-strings", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
    0, 0, 0,
    "Tom & Jerry's <\"Ü\"> ]]> 🚀 Ünïcødé", "A \"title\" & <b>markup</b>", 1024, 1, 8,
    HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU,
    "<weird> & 'odd' \"name\".iso", FALSE, NULL },
  /* An imported appliance: three disks in order, two adapters, UEFI, its
   * annotation (with markup) as the description. */
  { "appliance", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
    0, 0, 0,
    "appliance", NULL, 1024, 1, 1, HANGAR_FIRMWARE_UEFI, HANGAR_DOMAIN_TYPE_QEMU,
    NULL, FALSE, NULL, 2, 1, "Exported <from> VirtualBox & co" },
};

const guint vm_config_n_cases = G_N_ELEMENTS (vm_config_cases);

HangarOsProfile *
vm_config_case_profile (const VmConfigCase *c)
{
  HangarOsProfile *p;

  if (c->short_id == NULL)
    return hangar_os_profile_new_generic ();

  p = g_new0 (HangarOsProfile, 1);
  p->short_id = g_strdup (c->short_id);
  p->id = g_strdup (c->id);
  p->name = g_strdup (c->os_name);
  p->family = g_strdup (c->family);
  p->distro = g_strdup (c->distro);
  p->version = g_strdup (c->version);
  p->variant = g_strdup (c->variant);
  p->arch = g_strdup (c->media_arch);
  p->live = (c->flags & LIVE) != 0;
  p->installer = (c->flags & INSTALLER) != 0;
  p->ram_mib = c->ram_mib;
  p->vcpus = c->vcpus;
  p->disk_gib = c->disk_gib;
  p->needs_uefi = (c->flags & NEEDS_UEFI) != 0;
  p->wants_secure_boot = (c->flags & SECURE_BOOT) != 0;
  p->needs_tpm = (c->flags & NEEDS_TPM) != 0;
  p->virtio_block = (c->flags & VIRTIO_BLOCK) != 0;
  p->virtio_net = (c->flags & VIRTIO_NET) != 0;
  p->virtio_rng = (c->flags & VIRTIO_RNG) != 0;
  p->virtio_balloon = (c->flags & VIRTIO_BALLOON) != 0;
  p->virtio_gpu = (c->flags & VIRTIO_GPU) != 0;
  p->virtio_1_0 = (c->flags & VIRTIO_1_0) != 0;
  p->qxl = (c->flags & QXL) != 0;
  p->usb_tablet = (c->flags & USB_TABLET) != 0;
  p->usb_xhci = (c->flags & USB_XHCI) != 0;
  p->ich9_sound = (c->flags & ICH9_SOUND) != 0;
  p->spice_agent = (c->flags & SPICE_AGENT) != 0;
  p->q35 = (c->flags & Q35) != 0;
  return p;
}

HangarVmSettings *
vm_config_case_settings (const VmConfigCase *c)
{
  HangarVmSettings *s = hangar_vm_settings_new ();

  s->name = g_strdup (c->name);
  s->title = g_strdup (c->title);
  s->memory_mib = c->memory_mib;
  s->vcpus = c->cpus;
  s->disk_gib = c->disk;
  if (c->disk > 0)
    s->disk_path = g_strdup_printf ("/home/ada/.local/share/hangar/images/%s.qcow2", c->name);
  if (c->iso != NULL)
    s->iso_path = g_build_filename ("/home/ada/Downloads", c->iso, NULL);
  s->firmware = c->firmware;
  s->domain_type = c->domain_type;
  s->tpm = c->tpm;
  if (c->guest_arch != NULL)
    {
      g_free (s->arch);
      s->arch = g_strdup (c->guest_arch);
    }
  if (c->extra_disks > 0)
    {
      s->extra_disks = g_new0 (char *, c->extra_disks + 1);
      for (guint i = 0; i < c->extra_disks; i++)
        s->extra_disks[i] = g_strdup_printf ("/home/ada/.local/share/hangar/images/%s-disk%u.qcow2",
                                             c->name, i + 2);
    }
  s->extra_nics = c->extra_nics;
  s->description = g_strdup (c->description);
  return s;
}
