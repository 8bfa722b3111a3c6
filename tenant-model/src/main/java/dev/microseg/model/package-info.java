/** The microseg domain, shared by every module. Plain Java: no framework imports. */
package dev.microseg.model;
