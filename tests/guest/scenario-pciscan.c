/* SPDX-License-Identifier: ISC */
/*
 * pciscan: list every function on bus 0, through mechanism 1 if the
 * platform has it, else through ECAM; with both, every function must read
 * the same through either.
 */
#include "guest.h"

static uint32_t	pciscan_read(int, uint64_t, int, int, int);

static uint32_t
pciscan_read(int mech1, uint64_t ecam, int dev, int fn, int off)
{
	if (mech1)
		return (pci_mech1_read(0, dev, fn, off));
	return (pci_ecam_read(ecam, dev, fn, off));
}

void
scenario_pciscan(void)
{
	uint64_t ecam;
	uint32_t id, class, hdr;
	int mech1, dev, fn, n = 0, bad = 0;

	mech1 = pci_has_mech1();
	ecam = pci_ecam_base();
	kprintf("pciscan: mechanism 1 %s, ECAM ", mech1 ? "yes" : "no");
	if (ecam != 0)
		kprintf("at 0x%lx\n", ecam);
	else
		kprintf("none\n");
	if (!mech1 && ecam == 0)
		test_fail("pciscan: no PCI (no mechanism 1 at 0xcf8, no "
		    "MCFG; QEMU microvm has PCI only with pcie=on)");
	for (dev = 0; dev < 32; dev++) {
		for (fn = 0; fn < 8; fn++) {
			id = pciscan_read(mech1, ecam, dev, fn, 0);
			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			class = pciscan_read(mech1, ecam, dev, fn, 8) >> 8;
			kprintf("pci 00:%02x.%x %04x:%04x class "
			    "%02x.%02x.%02x\n", dev, fn, id & 0xffff, id >> 16,
			    class >> 16, (class >> 8) & 0xff, class & 0xff);
			n++;
			if (mech1 && ecam != 0 &&
			    pci_ecam_read(ecam, dev, fn, 0) != id) {
				kprintf("pciscan: ECAM reads %08x\n",
				    pci_ecam_read(ecam, dev, fn, 0));
				bad++;
			}
			hdr = pciscan_read(mech1, ecam, dev, fn, 0x0c) >> 16;
			if (fn == 0 && !(hdr & 0x80))
				break;		/* single-function device */
		}
	}
	kprintf("pciscan: %d functions\n", n);
	if (bad != 0)
		test_fail("pciscan: %d functions differ between mechanism "
		    "1 and ECAM", bad);
	if (n == 0)
		test_fail("pciscan: no function on bus 0");
	test_pass();
}
