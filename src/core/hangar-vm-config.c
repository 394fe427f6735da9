/* hangar-vm-config.c
 *
 * The pure domain builder: what a new machine looks like, decided from an OS
 * profile and the user's settings. No I/O, no daemon, no globals; the same
 * input always gives the same XML (libvirt adds the UUID and MAC at define).
 *
 * libvirt-gconfig 4.0 setters build everything they can express. The few
 * elements it has no API for are written as small XML fragments of fixed
 * text and parsed into the libvirt-gconfig object that holds them: the
 * domain's <features> (in the skeleton the domain starts from), <os> when it
 * carries <firmware> features, <cpu mode='maximum'>, the SPICE graphics'
 * <listen type='none'/>, and the RNG and TPM devices (as plain
 * GVirConfigDomainDevice objects). Text that comes from the user (name,
 * title, paths) only ever goes through the setters, which escape it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-vm-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-machine-name.h"
#include "hangar-vm-config.h"

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"
#define LIBOSINFO_PREFIX "libosinfo"

/* An appliance's disks and network adapters: a bound on what a hostile
 * description can ask for, far above what real ones hold. */
#define MAX_DISKS 16
#define MAX_NICS 8

/* USB redirection slots offered to the SPICE client. */
#define N_REDIRDEVS 2

G_DEFINE_QUARK (hangar-vm-config-error-quark, hangar_vm_config_error)

typedef struct
{
  const HangarOsProfile  *profile;
  const HangarVmSettings *settings;
  gboolean                kvm;
  gboolean                q35;
  gboolean                windows;
  gboolean                has_disk;
  gboolean                installing;
} Plan;

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        return TRUE;
    }
  return FALSE;
}

static gboolean
set_invalid (GError    **error,
             const char *message)
{
  g_set_error_literal (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
check_path (const char  *path,
            GError     **error)
{
  if (!g_utf8_validate (path, -1, NULL))
    return set_invalid (error, _("A file’s name is not valid text: rename the file and try again."));
  if (!g_path_is_absolute (path))
    {
      g_set_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_INVALID,
                   _("The file “%s” is not given by its full path."), path);
      return FALSE;
    }
  return TRUE;
}

/* Whether a guest of @guest_arch runs software built for @media_arch. */
static gboolean
arch_runs (const char *guest_arch,
           const char *media_arch)
{
  static const char * const x86_32[] = { "i386", "i486", "i586", "i686", NULL };

  if (media_arch == NULL || g_str_equal (media_arch, "noarch") || g_str_equal (media_arch, "all"))
    return TRUE;
  if (g_str_equal (media_arch, "x86_64"))
    return g_str_equal (guest_arch, "x86_64");
  return g_strv_contains (x86_32, media_arch);
}

static gboolean
check_settings (const HangarOsProfile  *profile,
                const HangarVmSettings *settings,
                GError                **error)
{
  const char *arch = settings->arch;

  g_autoptr(GError) name_error = NULL;

  if (!hangar_machine_name_check (settings->name, &name_error))
    return set_invalid (error, name_error->message);
  if (settings->title != NULL &&
      (!g_utf8_validate (settings->title, -1, NULL) || has_control_chars (settings->title)))
    return set_invalid (error, _("The machine’s title cannot contain line breaks, tabs or other "
                                 "control characters."));

  if (settings->memory_mib == 0)
    return set_invalid (error, _("The machine needs some memory."));
  if (settings->memory_mib > G_MAXUINT64 / 1024)
    return set_invalid (error, _("The machine cannot have that much memory."));
  if (settings->vcpus == 0)
    return set_invalid (error, _("The machine needs at least one processor."));

  if (settings->disk_gib > 0)
    {
      if (settings->disk_path == NULL || *settings->disk_path == '\0')
        return set_invalid (error, _("The machine’s disk has no file."));
      if (!check_path (settings->disk_path, error))
        return FALSE;
    }
  if (settings->extra_disks != NULL && settings->extra_disks[0] != NULL)
    {
      if (settings->disk_gib == 0)
        return set_invalid (error, _("The machine’s further disks need a first disk."));
      if (g_strv_length (settings->extra_disks) + 1 > MAX_DISKS)
        return set_invalid (error, _("The machine has more disks than Hangar can attach."));
      for (guint i = 0; settings->extra_disks[i] != NULL; i++)
        if (!check_path (settings->extra_disks[i], error))
          return FALSE;
    }
  if (settings->extra_nics + 1 > MAX_NICS)
    return set_invalid (error, _("The machine has more network adapters than Hangar can "
                                 "attach."));
  if (settings->description != NULL &&
      !g_utf8_validate (settings->description, -1, NULL))
    return set_invalid (error, _("The machine’s description is not valid text."));
  if (settings->iso_path != NULL && !check_path (settings->iso_path, error))
    return FALSE;
  if (settings->disk_gib == 0 && settings->iso_path == NULL)
    return set_invalid (error, _("The machine has neither a disk nor a medium to start from."));

  /* Hangar runs x86 guests on x86_64 hosts: the devices below (q35, ICH9,
   * OVMF) are x86's. */
  if (arch == NULL || (!g_str_equal (arch, "x86_64") && !g_str_equal (arch, "i686")))
    {
      g_set_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_ARCH,
                   _("This computer cannot run %s machines, only x86_64 and i686 ones."),
                   arch != NULL ? arch : _("unknown"));
      return FALSE;
    }
  if (!arch_runs (arch, profile->arch))
    {
      if (g_str_equal (profile->arch, "x86_64"))
        g_set_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_ARCH,
                     _("This medium is for 64-bit (x86_64) computers: make the machine x86_64 "
                       "to run it."));
      else
        g_set_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_ARCH,
                     _("This medium is for %s computers and cannot run on this computer. "
                       "Look for an x86_64 version of it."),
                     profile->arch);
      return FALSE;
    }

  /* Debian's and the Flatpak runtime's OVMF are 64-bit builds only. */
  if (settings->firmware != HANGAR_FIRMWARE_BIOS && !g_str_equal (arch, "x86_64"))
    return set_invalid (error, _("UEFI firmware is only available for x86_64 machines. "
                                 "Choose BIOS for an i686 machine."));
  /* OVMF's Secure Boot builds need SMM, which only the q35 machine has. */
  if (settings->firmware == HANGAR_FIRMWARE_UEFI_SECURE_BOOT && !profile->q35)
    return set_invalid (error, _("Secure Boot needs a modern (Q35) machine, which this system "
                                 "does not support. Choose UEFI without Secure Boot or BIOS."));

  return TRUE;
}

static gboolean
is_windows (const HangarOsProfile *profile)
{
  return g_strcmp0 (profile->family, "winnt") == 0 ||
         g_strcmp0 (profile->distro, "win") == 0 ||
         (profile->family != NULL && g_str_has_prefix (profile->family, "win"));
}

static void
add_device (GVirConfigDomain *domain,
            gpointer          device)
{
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (device));
  g_object_unref (device);
}

/* A device libvirt-gconfig has no class for, from fixed text. */
static void
add_device_from_xml (GVirConfigDomain *domain,
                     const char       *root,
                     const char       *xml)
{
  g_autoptr(GError) error = NULL;
  GVirConfigObject *device;

  device = gvir_config_object_new_from_xml (GVIR_CONFIG_TYPE_DOMAIN_DEVICE, root, NULL, xml, &error);
  g_assert_no_error (error);
  add_device (domain, device);
}

static GVirConfigDomain *
new_skeleton (const Plan *plan)
{
  HangarFirmware firmware = plan->settings->firmware;
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *domain;

  g_string_append_printf (xml, "<domain type='%s'><features><acpi/><apic/>",
                          plan->kvm ? "kvm" : "qemu");
  /* Hyper-V enlightenments make Windows cheaper to run under KVM; under TCG
   * QEMU does not offer them. */
  if (plan->windows && plan->kvm)
    g_string_append (xml,
                     "<hyperv mode='custom'>"
                     "<relaxed state='on'/>"
                     "<vapic state='on'/>"
                     "<spinlocks state='on' retries='8191'/>"
                     "</hyperv>");
  /* OVMF's Secure Boot builds keep their variables in SMM. */
  if (firmware == HANGAR_FIRMWARE_UEFI_SECURE_BOOT)
    g_string_append (xml, "<smm state='on'/>");
  g_string_append (xml, "</features></domain>");

  domain = gvir_config_domain_new_from_xml (xml->str, &error);
  g_assert_no_error (error);
  return domain;
}

static GVirConfigDomainOs *
new_os (const Plan *plan)
{
  HangarFirmware firmware = plan->settings->firmware;
  g_autoptr(GError) error = NULL;
  GVirConfigDomainOs *os;
  GList *boot = NULL;

  switch (firmware)
    {
    case HANGAR_FIRMWARE_UEFI:
      /* libvirt picks Secure Boot firmware first when nothing is said, and
       * that refuses unsigned boot loaders. */
      os = gvir_config_domain_os_new_from_xml ("<os><firmware>"
                                               "<feature enabled='no' name='secure-boot'/>"
                                               "</firmware></os>", &error);
      break;
    case HANGAR_FIRMWARE_UEFI_SECURE_BOOT:
      /* Enrolled keys: Microsoft's, so Windows and shim-signed Linux boot. */
      os = gvir_config_domain_os_new_from_xml ("<os><firmware>"
                                               "<feature enabled='yes' name='enrolled-keys'/>"
                                               "<feature enabled='yes' name='secure-boot'/>"
                                               "</firmware></os>", &error);
      break;
    case HANGAR_FIRMWARE_BIOS:
    default:
      os = gvir_config_domain_os_new ();
      break;
    }
  g_assert_no_error (error);

  if (firmware != HANGAR_FIRMWARE_BIOS)
    gvir_config_domain_os_set_firmware (os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_os_set_arch (os, plan->settings->arch);
  gvir_config_domain_os_set_machine (os, plan->q35 ? "q35" : "pc");

  /* The disk before the installer's medium: a blank disk boots nothing, so
   * BIOS and OVMF fall through to the medium, and once the installer has
   * made the disk bootable the installed system starts, whether or not a
   * Hangar process is there to eject the medium (see
   * hangar-install-tracker.c). A live medium with no disk is all there is. */
  if (plan->has_disk)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  if (plan->settings->iso_path != NULL)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  gvir_config_domain_os_set_boot_devices (os, boot);
  g_list_free (boot);

  return os;
}

static GVirConfigDomainCpu *
new_cpu (const Plan *plan)
{
  g_autoptr(GError) error = NULL;
  GVirConfigDomainCpu *cpu;

  if (plan->kvm)
    {
      cpu = gvir_config_domain_cpu_new ();
      gvir_config_domain_cpu_set_mode (cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_PASSTHROUGH);
      return cpu;
    }

  /* Under TCG, QEMU 7.2's default model (qemu64) lacks SSE4.2 and POPCNT,
   * so x86-64-v2 systems such as RHEL 9 refuse to boot. "max" is every
   * feature TCG emulates (7.2 added AVX2): libvirt's mode='maximum', which
   * libvirt-gconfig 4.0 cannot name. */
  cpu = gvir_config_domain_cpu_new_from_xml ("<cpu mode='maximum'/>", &error);
  g_assert_no_error (error);
  return cpu;
}

static GVirConfigDomainClock *
new_clock (const Plan *plan)
{
  GVirConfigDomainClock *klock = gvir_config_domain_clock_new ();
  GVirConfigDomainTimerRtc *rtc = gvir_config_domain_timer_rtc_new ();
  GVirConfigDomainTimerPit *pit = gvir_config_domain_timer_pit_new ();
  GVirConfigDomainTimerHpet *hpet = gvir_config_domain_timer_hpet_new ();

  /* Windows keeps the hardware clock in local time. */
  gvir_config_domain_clock_set_offset (klock, plan->windows ? GVIR_CONFIG_DOMAIN_CLOCK_LOCALTIME
                                                            : GVIR_CONFIG_DOMAIN_CLOCK_UTC);
  /* The timer policies every libvirt tool uses for x86 guests: lost RTC
   * ticks caught up, PIT ticks delayed, no HPET (costly to emulate). */
  gvir_config_domain_timer_set_tick_policy (GVIR_CONFIG_DOMAIN_TIMER (rtc),
                                            GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_CATCHUP);
  gvir_config_domain_timer_set_tick_policy (GVIR_CONFIG_DOMAIN_TIMER (pit),
                                            GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_DELAY);
  gvir_config_domain_timer_set_present (GVIR_CONFIG_DOMAIN_TIMER (hpet), FALSE);
  gvir_config_domain_clock_add_timer (klock, GVIR_CONFIG_DOMAIN_TIMER (rtc));
  gvir_config_domain_clock_add_timer (klock, GVIR_CONFIG_DOMAIN_TIMER (pit));
  gvir_config_domain_clock_add_timer (klock, GVIR_CONFIG_DOMAIN_TIMER (hpet));
  g_object_unref (rtc);
  g_object_unref (pit);
  g_object_unref (hpet);
  return klock;
}

static void
add_disks (GVirConfigDomain *domain,
           const Plan       *plan)
{
  const HangarVmSettings *settings = plan->settings;
  GVirConfigDomainDiskBus disk_bus = GVIR_CONFIG_DOMAIN_DISK_BUS_IDE;
  GVirConfigDomainDiskBus cdrom_bus = plan->q35 ? GVIR_CONFIG_DOMAIN_DISK_BUS_SATA
                                                : GVIR_CONFIG_DOMAIN_DISK_BUS_IDE;
  guint n_disks = 0;

  if (plan->has_disk)
    {
      const char *prefix;
      guint n_extra = settings->extra_disks != NULL ? g_strv_length (settings->extra_disks) : 0;

      if (plan->profile->virtio_block)
        {
          disk_bus = GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO;
          prefix = "vd";
        }
      else if (plan->q35)
        {
          disk_bus = GVIR_CONFIG_DOMAIN_DISK_BUS_SATA;
          prefix = "sd";
        }
      else
        {
          disk_bus = GVIR_CONFIG_DOMAIN_DISK_BUS_IDE;
          prefix = "hd";
        }

      /* The first disk, then an appliance's others in their order; on SATA
       * the medium takes the letter after them, on IDE hdc stays its own. */
      for (guint i = 0, letter = 0; i <= n_extra; i++, letter++)
        {
          GVirConfigDomainDisk *disk = gvir_config_domain_disk_new ();
          GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_driver_new ();
          g_autofree char *dev = NULL;

          if (disk_bus == GVIR_CONFIG_DOMAIN_DISK_BUS_IDE && letter == 2)
            letter++;
          dev = g_strdup_printf ("%s%c", prefix, 'a' + letter);
          gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
          gvir_config_domain_disk_set_guest_device_type (disk,
                                                         GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
          gvir_config_domain_disk_driver_set_name (driver, "qemu");
          gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
          /* The guest's trims shrink the qcow2 file. */
          gvir_config_domain_disk_driver_set_discard (driver,
                                                      GVIR_CONFIG_DOMAIN_DISK_DRIVER_DISCARD_UNMAP);
          gvir_config_domain_disk_set_driver (disk, driver);
          gvir_config_domain_disk_set_source (disk, i == 0 ? settings->disk_path
                                                           : settings->extra_disks[i - 1]);
          gvir_config_domain_disk_set_target_bus (disk, disk_bus);
          gvir_config_domain_disk_set_target_dev (disk, dev);
          g_object_unref (driver);
          add_device (domain, disk);
        }
      n_disks = n_extra + 1;
    }

  if (settings->iso_path != NULL)
    {
      GVirConfigDomainDisk *cdrom = gvir_config_domain_disk_new ();
      GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_driver_new ();
      g_autofree char *dev = NULL;

      if (cdrom_bus == GVIR_CONFIG_DOMAIN_DISK_BUS_IDE)
        dev = g_strdup ("hdc");  /* secondary master, where old installers look first */
      else if (plan->has_disk && disk_bus == GVIR_CONFIG_DOMAIN_DISK_BUS_SATA)
        dev = g_strdup_printf ("sd%c", 'a' + n_disks);
      else
        dev = g_strdup ("sda");

      gvir_config_domain_disk_set_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_FILE);
      gvir_config_domain_disk_set_guest_device_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
      gvir_config_domain_disk_driver_set_name (driver, "qemu");
      gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
      gvir_config_domain_disk_set_driver (cdrom, driver);
      gvir_config_domain_disk_set_source (cdrom, settings->iso_path);
      gvir_config_domain_disk_set_target_bus (cdrom, cdrom_bus);
      gvir_config_domain_disk_set_target_dev (cdrom, dev);
      gvir_config_domain_disk_set_readonly (cdrom, TRUE);
      g_object_unref (driver);
      add_device (domain, cdrom);
    }
}

/* virtio_1_0 needs nothing here: on q35 libvirt puts virtio devices on PCIe
 * root ports, where QEMU offers them modern-only; on i440FX they are
 * transitional and serve both kinds of driver. */
static void
add_network (GVirConfigDomain *domain,
             const Plan       *plan)
{
  const char *model;

  if (plan->profile->virtio_net)
    model = "virtio";
  else if (plan->q35)
    model = "e1000e";
  else
    model = "e1000";

  /* The session daemon cannot make bridges or taps: user-mode networking,
   * for an appliance's further adapters too. */
  for (guint i = 0; i <= plan->settings->extra_nics; i++)
    {
      GVirConfigDomainInterfaceUser *nic = gvir_config_domain_interface_user_new ();

      gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (nic), model);
      add_device (domain, nic);
    }
}

static void
add_display (GVirConfigDomain *domain,
             const Plan       *plan)
{
  g_autoptr(GError) error = NULL;
  GVirConfigDomainGraphicsSpice *spice;
  GVirConfigDomainVideo *video;

  /* No port, ever: Hangar's display gets its socket from
   * gvir_domain_open_graphics_fd. */
  spice = gvir_config_domain_graphics_spice_new_from_xml ("<graphics type='spice'>"
                                                          "<listen type='none'/>"
                                                          "</graphics>", &error);
  g_assert_no_error (error);
  /* The client is local (a socket pair): compressing images costs CPU on
   * both ends and saves no bandwidth worth having. */
  gvir_config_domain_graphics_spice_set_image_compression (spice,
                                                           GVIR_CONFIG_DOMAIN_GRAPHICS_SPICE_IMAGE_COMPRESSION_OFF);
  gvir_config_domain_graphics_spice_set_gl (spice, FALSE);
  add_device (domain, spice);

  video = gvir_config_domain_video_new ();
  if (plan->profile->qxl)
    gvir_config_domain_video_set_model (video, GVIR_CONFIG_DOMAIN_VIDEO_MODEL_QXL);
  else if (plan->profile->virtio_gpu)
    gvir_config_domain_video_set_model (video, GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO);
  else
    gvir_config_domain_video_set_model (video, GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VGA);
  add_device (domain, video);
}

static void
add_usb (GVirConfigDomain *domain,
         const Plan       *plan)
{
  if (plan->profile->usb_xhci)
    {
      GVirConfigDomainControllerUsb *xhci = gvir_config_domain_controller_usb_new ();

      gvir_config_domain_controller_usb_set_model (xhci, GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_QEMU_XHCI);
      gvir_config_domain_controller_set_index (GVIR_CONFIG_DOMAIN_CONTROLLER (xhci), 0);
      gvir_config_domain_controller_set_ports (GVIR_CONFIG_DOMAIN_CONTROLLER (xhci), 15);
      add_device (domain, xhci);
    }
  else
    {
      /* OSes without an XHCI driver (Windows 7 and older) drive ICH9's USB 2
       * controller and its USB 1 companions. */
      static const GVirConfigDomainControllerUsbModel companions[] = {
        GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_ICH9_UHCI1,
        GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_ICH9_UHCI2,
        GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_ICH9_UHCI3,
      };
      GVirConfigDomainControllerUsb *ehci = gvir_config_domain_controller_usb_new ();

      gvir_config_domain_controller_usb_set_model (ehci, GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_ICH9_EHCI1);
      gvir_config_domain_controller_set_index (GVIR_CONFIG_DOMAIN_CONTROLLER (ehci), 0);
      gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (ehci));
      for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
        {
          GVirConfigDomainControllerUsb *uhci = gvir_config_domain_controller_usb_new ();

          gvir_config_domain_controller_usb_set_model (uhci, companions[i]);
          gvir_config_domain_controller_set_index (GVIR_CONFIG_DOMAIN_CONTROLLER (uhci), 0);
          gvir_config_domain_controller_usb_set_master (uhci, ehci, i * 2);
          add_device (domain, uhci);
        }
      g_object_unref (ehci);
    }

  if (plan->profile->usb_tablet)
    {
      GVirConfigDomainInput *tablet = gvir_config_domain_input_new ();

      gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
      gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
      add_device (domain, tablet);
    }

  for (guint i = 0; i < N_REDIRDEVS; i++)
    {
      GVirConfigDomainRedirdev *redirdev = gvir_config_domain_redirdev_new ();
      GVirConfigDomainChardevSourceSpiceVmc *vmc = gvir_config_domain_chardev_source_spicevmc_new ();

      gvir_config_domain_redirdev_set_bus (redirdev, GVIR_CONFIG_DOMAIN_REDIRDEV_BUS_USB);
      gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (redirdev),
                                             GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (vmc));
      g_object_unref (vmc);
      add_device (domain, redirdev);
    }
}

static void
add_agent_channel (GVirConfigDomain *domain)
{
  GVirConfigDomainChannel *channel = gvir_config_domain_channel_new ();
  GVirConfigDomainChardevSourceSpiceVmc *vmc = gvir_config_domain_chardev_source_spicevmc_new ();

  gvir_config_domain_channel_set_target_type (channel, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
  gvir_config_domain_channel_set_target_name (channel, "com.redhat.spice.0");
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (channel),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (vmc));
  g_object_unref (vmc);
  add_device (domain, channel);
}

static void
add_sound (GVirConfigDomain *domain,
           const Plan       *plan)
{
  GVirConfigDomainSound *sound;

  if (!plan->profile->ich9_sound)
    return;
  sound = gvir_config_domain_sound_new ();
  gvir_config_domain_sound_set_model (sound, plan->q35 ? GVIR_CONFIG_DOMAIN_SOUND_MODEL_ICH9
                                                       : GVIR_CONFIG_DOMAIN_SOUND_MODEL_ICH6);
  add_device (domain, sound);
}

static void
add_platform_devices (GVirConfigDomain *domain,
                      const Plan       *plan)
{
  GVirConfigDomainMemballoon *balloon = gvir_config_domain_memballoon_new ();

  if (plan->profile->virtio_rng)
    add_device_from_xml (domain, "rng",
                         "<rng model='virtio'>"
                         "<backend model='random'>/dev/urandom</backend>"
                         "</rng>");

  /* An explicit "none" keeps libvirt from adding a virtio balloon that an
   * OS without the driver would show as an unknown device. */
  gvir_config_domain_memballoon_set_model (balloon, plan->profile->virtio_balloon
                                                    ? GVIR_CONFIG_DOMAIN_MEMBALLOON_MODEL_VIRTIO
                                                    : GVIR_CONFIG_DOMAIN_MEMBALLOON_MODEL_NONE);
  add_device (domain, balloon);

  if (plan->settings->tpm)
    add_device_from_xml (domain, "tpm",
                         "<tpm model='tpm-crb'>"
                         "<backend type='emulator' version='2.0'/>"
                         "</tpm>");
}

static void
set_metadata (GVirConfigDomain *domain,
              const Plan       *plan)
{
  const HangarOsProfile *profile = plan->profile;
  g_autoptr(GString) xml = g_string_new ("<machine>");
  g_autoptr(GError) error = NULL;

  if (profile->id != NULL)
    {
      g_autofree char *os = NULL;

      if (profile->short_id != NULL)
        os = g_markup_printf_escaped ("<os id='%s' short-id='%s'/>", profile->id, profile->short_id);
      else
        os = g_markup_printf_escaped ("<os id='%s'/>", profile->id);
      g_string_append (xml, os);
    }
  /* An install tracker ejects the medium after the first shutdown or
   * reboot, and drops this mark. */
  if (plan->installing)
    g_string_append (xml, "<installing>true</installing>");
  /* The file the medium was identified as, checked before each start
   * (hangar_machine_check_media()). */
  if (plan->settings->iso_path != NULL && plan->settings->iso_identity != NULL)
    {
      g_autofree char *medium = g_markup_printf_escaped ("<medium path='%s' identity='%s'/>",
                                                         plan->settings->iso_path,
                                                         plan->settings->iso_identity);

      g_string_append (xml, medium);
    }
  g_string_append (xml, "</machine>");

  gvir_config_domain_set_custom_xml_ns_children (domain, xml->str,
                                                 HANGAR_VM_CONFIG_METADATA_PREFIX,
                                                 HANGAR_VM_CONFIG_METADATA_NS, &error);
  g_assert_no_error (error);

  /* The convention virt-manager, GNOME Boxes and virt-install share. */
  if (profile->id != NULL)
    {
      g_autofree char *osinfo = g_markup_printf_escaped ("<libosinfo><os id='%s'/></libosinfo>",
                                                         profile->id);

      gvir_config_domain_set_custom_xml_ns_children (domain, osinfo, LIBOSINFO_PREFIX,
                                                     LIBOSINFO_NS, &error);
      g_assert_no_error (error);
    }
}

/**
 * hangar_vm_config_build:
 * @profile: the OS on the medium, as identified (or the generic profile)
 * @settings: the user's choices and the paths the creator picked
 * @error: return location for a #HangarVmConfigError
 *
 * Describes a new machine as a libvirt domain: the devices @profile's OS
 * drives, the resources and firmware in @settings, a SPICE display without a
 * port, and Hangar's and libosinfo's metadata. Nothing is read or written:
 * the result depends on the arguments only, and carries no UUID or MAC (libvirt
 * assigns them when the domain is defined).
 *
 * While an installer runs (@settings has a disk and an ISO and @profile is an
 * installer) its metadata holds `<hangar:installing>true</hangar:installing>`.
 * The domain boots from its disk first, then the medium, and restarts on a
 * reboot: the blank disk lets the installer boot, the installed system comes
 * up after the installer's reboot with or without Hangar running, and an
 * install tracker ejects the medium when it sees that reboot.
 *
 * Returns: (transfer full): the domain, or %NULL with @error set when the
 *   settings cannot make a machine
 */
GVirConfigDomain *
hangar_vm_config_build (const HangarOsProfile  *profile,
                        const HangarVmSettings *settings,
                        GError                **error)
{
  GVirConfigDomain *domain;
  GVirConfigDomainOs *os;
  GVirConfigDomainCpu *cpu;
  GVirConfigDomainClock *klock;
  GVirConfigDomainPowerManagement *pm;
  Plan plan = { 0 };

  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_settings (profile, settings, error))
    return NULL;

  plan.profile = profile;
  plan.settings = settings;
  plan.kvm = settings->domain_type == HANGAR_DOMAIN_TYPE_KVM;
  plan.q35 = profile->q35;
  plan.windows = is_windows (profile);
  plan.has_disk = settings->disk_gib > 0;
  plan.installing = plan.has_disk && settings->iso_path != NULL && profile->installer;

  domain = new_skeleton (&plan);
  gvir_config_domain_set_name (domain, settings->name);
  if (settings->title != NULL && *settings->title != '\0')
    gvir_config_domain_set_title (domain, settings->title);
  if (settings->description != NULL && *settings->description != '\0')
    gvir_config_domain_set_description (domain, settings->description);
  gvir_config_domain_set_memory (domain, settings->memory_mib * 1024);
  gvir_config_domain_set_current_memory (domain, settings->memory_mib * 1024);
  gvir_config_domain_set_vcpus (domain, settings->vcpus);

  os = new_os (&plan);
  gvir_config_domain_set_os (domain, os);
  g_object_unref (os);
  cpu = new_cpu (&plan);
  gvir_config_domain_set_cpu (domain, cpu);
  g_object_unref (cpu);
  klock = new_clock (&plan);
  gvir_config_domain_set_clock (domain, klock);
  g_object_unref (klock);

  /* A suspended guest cannot be woken from the display: only power off. */
  pm = gvir_config_domain_power_management_new ();
  gvir_config_domain_power_management_set_mem_suspend_enabled (pm, FALSE);
  gvir_config_domain_power_management_set_disk_suspend_enabled (pm, FALSE);
  gvir_config_domain_set_power_management (domain, pm);
  g_object_unref (pm);

  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_POWEROFF,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
  /* Restart, installing or not: an installer's reboot must bring the
   * machine back even when no Hangar process watches it. */
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_CRASH,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

  add_disks (domain, &plan);
  add_network (domain, &plan);
  add_display (domain, &plan);
  add_usb (domain, &plan);
  /* Always, whatever profile->spice_agent says: a virtio-serial port costs
   * nothing, and the agent (resize, clipboard) is often installed after the
   * OS (spice-guest-tools on Windows, spice-vdagent on any Linux), when the
   * channel could no longer be added without redefining the machine. */
  add_agent_channel (domain);
  add_sound (domain, &plan);
  add_platform_devices (domain, &plan);

  set_metadata (domain, &plan);

  return domain;
}
