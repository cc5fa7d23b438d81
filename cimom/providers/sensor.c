/* SPDX-License-Identifier: ISC */
/*
 * CIM_NumericSensor from /sys/class/hwmon (cim.md §5.4): one sensor per
 * temp/in/curr/power/fan *_input file, readings in the hwmon units with
 * UnitModifier saying so, thresholds from *_max/_crit/_min/_lcrit, and
 * CurrentState/HealthState from where the reading stands against them.
 * A host without hwmon has no sensors: zero instances, not an error.
 */

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provutil.h"

static const struct {
	const char	*st_prefix;
	unsigned int	 st_type;	/* SensorType */
	unsigned int	 st_units;	/* BaseUnits */
	int		 st_modifier;	/* UnitModifier */
} sensor_types[] = {
	{ "temp", 2, 2, -3 },		/* millidegrees C */
	{ "in", 3, 5, -3 },		/* millivolts */
	{ "curr", 4, 6, -3 },		/* milliamperes */
	{ "fan", 5, 19, 0 },		/* RPM */
	{ "power", 13, 7, -6 },		/* microwatts */
};

static const char *const sensor_states[] = {
	"Normal", "Upper Non-Critical", "Upper Critical",
	"Lower Non-Critical", "Lower Critical", "Unknown"
};

static size_t	sensor_list(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);
static int	sensor_read(const char *, const char *, const char *, long *);
static void	sensor_one(const CMPIBroker *, const char *, const char *,
		    const char *, const char *, size_t, CMPIInstance **);

/* dir/<base>_<suffix> as a number. */
static int
sensor_read(const char *dir, const char *base, const char *suffix, long *v)
{
	char	path[PATH_MAX], *s, *end;
	long	n;

	if (snprintf(path, sizeof path, "%s/%s_%s", dir, base, suffix) >=
	    (int)sizeof path || (s = provutil_file(path)) == NULL)
		return (-1);
	n = strtol(s, &end, 10);
	if (end == s) {
		free(s);
		return (-1);
	}
	free(s);
	*v = n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : n;
	return (0);
}

static void
sensor_one(const CMPIBroker *b, const char *ns, const char *dir,
    const char *hw, const char *base, size_t t, CMPIInstance **out)
{
	static const unsigned short ok[] = { 2 };
	CMPIInstance	*i;
	char		 id[128], path[PATH_MAX], *label, *chip;
	long		 v, max, crit, min, lcrit;
	int		 hmax, hcrit, hmin, hlcrit, state = 0, health = 5;

	if (sensor_read(dir, base, "input", &v) == -1)
		return;
	snprintf(id, sizeof id, "%.60s.%.60s", hw, base);
	i = provutil_instance(b, provutil_dev_path(b, ns, "CIM_NumericSensor",
	    id));
	label = chip = NULL;
	if (snprintf(path, sizeof path, "%s/%s_label", dir, base) <
	    (int)sizeof path)
		label = provutil_file(path);
	if (snprintf(path, sizeof path, "%s/name", dir) < (int)sizeof path)
		chip = provutil_file(path);
	snprintf(path, sizeof path, "%.100s %.100s", chip != NULL ? chip : hw,
	    label != NULL ? label : base);
	provutil_str(i, "ElementName", path);
	provutil_str(i, "Name", path);
	free(label);
	free(chip);
	provutil_u16(i, "SensorType", sensor_types[t].st_type);
	provutil_u16(i, "BaseUnits", sensor_types[t].st_units);
	provutil_s32(i, "UnitModifier", sensor_types[t].st_modifier);
	provutil_u16(i, "RateUnits", 0);
	provutil_s32(i, "CurrentReading", v);
	hmax = sensor_read(dir, base, "max", &max) == 0;
	hcrit = sensor_read(dir, base, "crit", &crit) == 0;
	hmin = sensor_read(dir, base, "min", &min) == 0;
	hlcrit = sensor_read(dir, base, "lcrit", &lcrit) == 0;
	if (hmax)
		provutil_s32(i, "UpperThresholdNonCritical", max);
	if (hcrit)
		provutil_s32(i, "UpperThresholdCritical", crit);
	if (hmin)
		provutil_s32(i, "LowerThresholdNonCritical", min);
	if (hlcrit)
		provutil_s32(i, "LowerThresholdCritical", lcrit);
	/* The worst threshold crossed decides. */
	if (hcrit && v >= crit) {
		state = 2;
		health = 25;
	} else if (hlcrit && v <= lcrit) {
		state = 4;
		health = 25;
	} else if (hmax && v >= max) {
		state = 1;
		health = 10;
	} else if (hmin && v <= min && sensor_types[t].st_type != 5) {
		state = 3;
		health = 10;
	}
	provutil_str(i, "CurrentState", sensor_states[state]);
	provutil_stra(b, i, "PossibleStates", sensor_states,
	    sizeof sensor_states / sizeof sensor_states[0]);
	provutil_u16(i, "HealthState", (unsigned int)health);
	provutil_u16a(b, i, "OperationalStatus", ok, 1);
	provutil_u16(i, "EnabledState", 2);
	*out = i;
}

static size_t
sensor_list(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	DIR		*top, *d;
	struct dirent	*hw, *e;
	char		*root, dir[PATH_MAX], base[64];
	size_t		 n = 0, t, plen, len;

	if ((root = provutil_syspath("class/hwmon")) == NULL)
		return (0);
	if ((top = opendir(root)) == NULL) {
		free(root);
		return (0);
	}
	while ((hw = readdir(top)) != NULL && n < max) {
		if (strncmp(hw->d_name, "hwmon", 5) != 0)
			continue;
		if (snprintf(dir, sizeof dir, "%s/%s", root, hw->d_name) >=
		    (int)sizeof dir || (d = opendir(dir)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL && n < max) {
			len = strlen(e->d_name);
			if (len < 7 || len >= sizeof base ||
			    strcmp(e->d_name + len - 6, "_input") != 0)
				continue;
			for (t = 0; t < sizeof sensor_types /
			    sizeof sensor_types[0]; t++) {
				plen = strlen(sensor_types[t].st_prefix);
				if (strncmp(e->d_name,
				    sensor_types[t].st_prefix, plen) == 0 &&
				    e->d_name[plen] >= '0' &&
				    e->d_name[plen] <= '9')
					break;
			}
			if (t == sizeof sensor_types / sizeof sensor_types[0])
				continue;
			snprintf(base, sizeof base, "%.*s", (int)(len - 6),
			    e->d_name);
			out[n] = NULL;
			sensor_one(b, ns, dir, hw->d_name, base, t, &out[n]);
			if (out[n] != NULL)
				n++;
		}
		closedir(d);
	}
	closedir(top);
	free(root);
	return (n);
}

PROVUTIL_INSTANCE_MI(VireoSensor, sensor_list)
